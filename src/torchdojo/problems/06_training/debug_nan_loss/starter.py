"""Losses, preprocessing and a training loop for a small tabular model."""

# TODO: this code has 4 bugs; fix them. What users report:
#   - the classification loss is `inf` and the gradients are `nan` as soon as the model is
#     confident (logits around +-100);
#   - the binary loss is `nan` for confident predictions, right or wrong;
#   - on a dataset with a constant column every feature becomes `nan`;
#   - `fit` with a learning rate of 3 blows up to `inf` and then `nan` after a few dozen
#     steps, although `max_norm` is supposed to keep the updates small.

import torch
import torch.nn.functional as F
from torch import nn


def cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of ``logits`` (N, C) against class indices ``target`` (N,)."""
    probs = torch.softmax(logits, dim=1)  # (N, C)
    return F.nll_loss(torch.log(probs), target)


def binary_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of ``logits`` against targets in [0, 1] (same shape)."""
    p = torch.sigmoid(logits)
    return -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).mean()


def standardize(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Standardise each column of ``x`` (N, D), N >= 2: (x - mean) / (std + eps)."""
    return (x - x.mean(dim=0)) / x.std(dim=0)


def fit(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int, lr: float,
        max_norm: float) -> list[float]:
    """Full-batch SGD on the MSE of ``model(standardize(x))`` against ``y``.

    Returns the loss of every step (measured before that step's update) as Python floats.
    """
    x = standardize(x)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        # keep the gradients small
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
