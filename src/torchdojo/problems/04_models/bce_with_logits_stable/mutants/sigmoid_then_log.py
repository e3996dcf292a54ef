"""Mistake: p = sigmoid(x), then the textbook -[y log p + (1 - y) log(1 - p)].

In float32 sigmoid(17) is already exactly 1.0, so log(1 - p) = -inf: the loss is inf (and
0 * -inf = nan for y = 1), and the gradient is nan.
"""

import torch


def _softplus(z: torch.Tensor) -> torch.Tensor:
    """log(1 + e^z) without overflow: the exponent -|z| is never positive.

    max(z, 0) is written (z + |z|) / 2: autograd takes the slope of |z| at 0 to be 0, so the
    gradient at z = 0 is 1/2 = sigmoid(0). With z.clamp(min=0) it would be 0 there (two kinks,
    each given slope 0, in a function that is smooth).
    """
    return 0.5 * (z + z.abs()) + torch.log1p(torch.exp(-z.abs()))


def bce_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    pos_weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Binary cross-entropy of logits against targets in [0, 1] of the same shape."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction!r} is not a valid value for reduction")
    if logits.shape != target.shape:  # (N, 1) against (N,) would broadcast to (N, N)
        raise ValueError(f"target shape {tuple(target.shape)} != logits shape "
                         f"{tuple(logits.shape)}")
    p = torch.sigmoid(logits)
    pos = -target * torch.log(p)
    if pos_weight is not None:
        pos = pos_weight * pos  # (C,) broadcasts over the last dimension
    loss = pos - (1 - target) * torch.log(1 - p)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def kl_div_batchmean(logp: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """KL(q || p) summed over all elements and divided by the batch size logp.shape[0]."""
    # q log q - q log p; xlogy gives 0 where q == 0 (0 * log 0 = 0, not nan)
    pointwise = torch.xlogy(q, q) - q * logp  # (N, ...)
    return pointwise.sum() / logp.shape[0]
