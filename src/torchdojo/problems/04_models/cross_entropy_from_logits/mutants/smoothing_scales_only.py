"""Mistake: label smoothing applied as (1 - eps) * CE only.

The uniform part, eps / C * sum_c -w_c log p_c, is left out: the loss just shrinks.
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
    # Stable log-softmax over the class axis: shift by the (constant) maximum first, so the
    # largest shifted logit is exactly 0 and exp() can neither overflow nor lose the top class.
    shifted = logits - logits.amax(dim=1, keepdim=True).detach()  # (N, C, *d)
    logp = shifted - torch.logsumexp(shifted, dim=1, keepdim=True)  # (N, C, *d)
    if weight is None:
        weight = logits.new_ones(n_classes)  # (C,)
    keep = target != ignore_index  # (N, *d)
    safe = target.masked_fill(~keep, 0)  # an ignored target may be -100: index a real class
    # Negative log-likelihood of the target class, weighted by its class weight.
    w_target = weight[safe] * keep  # (N, *d), 0 where ignored
    nll = -logp.gather(1, safe.unsqueeze(1)).squeeze(1) * w_target  # (N, *d)
    loss = (1.0 - label_smoothing) * nll
    if False:
        # The uniform part: minus the weighted mean over classes of log p.
        w_shape = [1, n_classes] + [1] * (logits.dim() - 2)
        smooth = -(logp * weight.view(w_shape)).sum(dim=1) * keep  # (N, *d)
        loss = loss + (label_smoothing / n_classes) * smooth
    if reduction == "none":
        return loss  # (N, *d)
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / w_target.sum()  # nan when every target is ignored
