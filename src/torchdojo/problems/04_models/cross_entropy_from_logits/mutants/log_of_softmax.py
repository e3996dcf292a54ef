"""Mistake: log-probabilities as log(softmax(x)).

softmax underflows to exactly 0 for a class far below the maximum (logits of +-1e4), and
log(0) = -inf: the loss becomes inf, and 0 * inf = nan in the smoothing term and the gradient.
"""

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
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction!r} is not a valid value for reduction")
    n_classes = logits.shape[1]
    # log-softmax over the class axis
    logp = torch.log(torch.softmax(logits, dim=1))  # (N, C, *d)
    if weight is None:
        weight = logits.new_ones(n_classes)  # (C,)
    keep = target != ignore_index  # (N, *d)
    safe = target.masked_fill(~keep, 0)  # an ignored target may be -100: index a real class
    # Negative log-likelihood of the target class, weighted by its class weight.
    w_target = weight[safe] * keep  # (N, *d), 0 where ignored
    nll = -logp.gather(1, safe.unsqueeze(1)).squeeze(1) * w_target  # (N, *d)
    loss = (1.0 - label_smoothing) * nll
    if label_smoothing > 0:
        # The uniform part: minus the weighted mean over classes of log p.
        w_shape = [1, n_classes] + [1] * (logits.dim() - 2)
        smooth = -(logp * weight.view(w_shape)).sum(dim=1) * keep  # (N, *d)
        loss = loss + (label_smoothing / n_classes) * smooth
    if reduction == "none":
        return loss  # (N, *d)
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / w_target.sum()  # nan when every target is ignored
