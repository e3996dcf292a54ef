"""Focal loss for binary logits, and its multiclass (softmax) form."""

import torch
import torch.nn.functional as F  # noqa: F401  (binary_cross_entropy_with_logits, log_softmax)
from torch import nn


class FocalLoss(nn.Module):
    """Sigmoid focal loss on logits with 0/1 targets of the same shape."""

    def __init__(self, alpha: float | None = 0.25, gamma: float = 2.0,
                 reduction: str = "mean") -> None:
        super().__init__()
        # TODO: reject an unknown reduction with ValueError
        self.alpha = alpha
        self.gamma = gamma
        self.reduction = reduction

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        # TODO: -log(p_t) from the logits (stable), p_t = probability of the TRUE label
        # TODO: multiply by (1 - p_t) ** gamma and, unless alpha is None, by alpha_t
        #       (alpha for positives, 1 - alpha for negatives)
        # TODO: reduce ("none", "mean", "sum")
        raise NotImplementedError


def multiclass_focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    gamma: float = 2.0,
    alpha: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Softmax focal loss: logits (N, C), class indices (N,), optional per-class alpha (C,)."""
    # TODO: log p_t from a stable log-softmax, p_t = exp(log p_t)
    # TODO: -(1 - p_t) ** gamma * log p_t, times alpha[target] when alpha is given
    # TODO: reduce ("mean" divides by N)
    raise NotImplementedError
