"""A gated MLP, its input standardisation and a hand-written SGD step, written "to save memory"."""

# TODO: this code has 3 bugs; fix them.
# Symptoms:
#   1. loss.backward() through GatedMLP fails with "RuntimeError: one of the variables needed
#      for gradient computation has been modified by an inplace operation";
#   2. after calling standardize(batch) (or the model) the caller's batch has changed, and with
#      an input that requires grad the call fails with "a leaf Variable that requires grad is
#      being used in an in-place operation";
#   3. sgd_step(model.parameters(), lr) fails with the same "leaf Variable ... in-place" error.

from collections.abc import Iterable

import torch
from torch import nn


def standardize(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Standardise each feature (column) of a (N, F) batch over the batch."""
    x -= x.mean(dim=0, keepdim=True)
    x /= x.std(dim=0, keepdim=True, correction=0) + eps
    return x


class GatedMLP(nn.Module):
    """standardize -> fc1 -> split into (value, gate) -> value * 2 sigmoid(gate) -> fc2."""

    def __init__(self, in_features: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, 2 * hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = self.fc1(standardize(x)).chunk(2, dim=-1)
        g = b.sigmoid()
        g.mul_(2)  # gate values in (0, 2)
        return self.fc2(a * g)


def sgd_step(params: Iterable[torch.Tensor], lr: float) -> None:
    """Plain SGD, in place: p <- p - lr * p.grad for every parameter that has a gradient."""
    for p in params:
        if p.grad is not None:
            p.sub_(lr * p.grad)
