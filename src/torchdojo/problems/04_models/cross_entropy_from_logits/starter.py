"""Cross-entropy from logits, as F.cross_entropy computes it for class-index targets."""

import torch


def cross_entropy(
    logits: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """Cross-entropy of logits (N, C, *d) against class indices (N, *d)."""
    # TODO: reject a reduction other than "none", "mean", "sum" with ValueError
    # TODO: log-probabilities over dim 1, stably (torch.logsumexp)
    # TODO: mask the ignored targets; pick each target's log-probability and class weight
    # TODO: add the label-smoothing term (weighted mean over classes of log p)
    # TODO: reduce: "none", "sum", or "mean" divided by the total weight of kept targets
    raise NotImplementedError
