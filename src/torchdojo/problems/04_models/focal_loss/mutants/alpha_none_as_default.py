"""Mistake: alpha=None falls back to 0.25 instead of meaning "no alpha weighting".
"""

import torch
import torch.nn.functional as F
from torch import nn

REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


class FocalLoss(nn.Module):
    """Sigmoid focal loss on logits with 0/1 targets of the same shape."""

    def __init__(self, alpha: float | None = 0.25, gamma: float = 2.0,
                 reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
        self.alpha = alpha
        self.gamma = gamma
        self.reduction = reduction

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        p = torch.sigmoid(logits)
        # -log(p_t), stably from the logits
        ce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
        # probability of the true label: p for positives, 1 - p for negatives
        p_t = p * target + (1 - p) * (1 - target)
        loss = ce * (1 - p_t) ** self.gamma  # easy examples (p_t -> 1) fade out
        alpha = 0.25 if self.alpha is None else self.alpha
        # alpha for positives, 1 - alpha for negatives
        alpha_t = alpha * target + (1 - alpha) * (1 - target)
        loss = alpha_t * loss
        return _reduce(loss, self.reduction)  # same shape as logits for "none"


def multiclass_focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    gamma: float = 2.0,
    alpha: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Softmax focal loss: logits (N, C), class indices (N,), optional per-class alpha (C,)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    logp = F.log_softmax(logits, dim=1)  # (N, C), stable
    logp_t = logp.gather(1, target.unsqueeze(1)).squeeze(1)  # (N,) log-probability of the truth
    p_t = logp_t.exp()  # (N,)
    loss = -((1 - p_t) ** gamma) * logp_t  # (N,)
    if alpha is not None:
        loss = alpha[target] * loss  # the weight of each example's true class
    return _reduce(loss, reduction)  # "mean" divides by N, not by the sum of alpha
