"""Only fit left broken: clip_grad_norm_ runs before backward, when there are no gradients to clip."""

import torch
import torch.nn.functional as F
from torch import nn


def cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of ``logits`` (N, C) against class indices ``target`` (N,)."""
    # log_softmax = x - logsumexp(x): computed with the max subtracted, it never forms a
    # probability that underflows to 0, so its log cannot be -inf.
    log_probs = F.log_softmax(logits, dim=1)  # (N, C)
    return F.nll_loss(log_probs, target)  # () = -mean_i log_probs[i, target[i]]


def binary_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of ``logits`` against targets in [0, 1] (same shape)."""
    # The logits version uses log(sigmoid(x)) = -softplus(-x), evaluated stably: no
    # sigmoid(x) == 1.0 exactly, hence no log(1 - 1) = -inf and no 0 * -inf = nan.
    return F.binary_cross_entropy_with_logits(logits, target)  # ()


def standardize(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Standardise each column of ``x`` (N, D), N >= 2: (x - mean) / (std + eps)."""
    mean = x.mean(dim=0)  # (D,)
    std = x.std(dim=0)  # (D,) unbiased; exactly 0 for a constant column
    # eps keeps a constant column at 0 / eps = 0 instead of 0 / 0 = nan.
    return (x - mean) / (std + eps)  # (N, D)


def fit(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int, lr: float,
        max_norm: float) -> list[float]:
    """Full-batch SGD on the MSE of ``model(standardize(x))`` against ``y``.

    Returns the loss of every step (measured before that step's update) as Python floats.
    """
    x = standardize(x)  # (N, D)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        loss = F.mse_loss(model(x), y)  # ()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
