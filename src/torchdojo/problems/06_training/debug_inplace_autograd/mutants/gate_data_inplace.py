"""The gate is scaled in place through .data: autograd no longer notices, and sigmoid's backward uses the scaled values.

A gated MLP, its input standardisation and a hand-written SGD step, autograd-safe.

Autograd saves some tensors for the backward pass (sigmoid saves its output) and checks their
version counters; writing into one of them in place breaks the backward. Out-of-place ops
create new tensors instead and leave the caller's tensors alone. A parameter update is not part
of the model's computation: it is done in place, but under torch.no_grad().
"""

from collections.abc import Iterable

import torch
from torch import nn


def standardize(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Standardise each feature (column) of a (N, F) batch over the batch."""
    mean = x.mean(dim=0, keepdim=True)  # (1, F)
    std = x.std(dim=0, keepdim=True, correction=0)  # (1, F)
    # New tensors: the caller's x is untouched and gradients flow back to it.
    return (x - mean) / (std + eps)  # (N, F)


class GatedMLP(nn.Module):
    """standardize -> fc1 -> split into (value, gate) -> value * 2 sigmoid(gate) -> fc2."""

    def __init__(self, in_features: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, 2 * hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = self.fc1(standardize(x)).chunk(2, dim=-1)  # (N, hidden) each
        # sigmoid's backward needs its own output, so do not scale that output in place.
        g = b.sigmoid()
        g.data.mul_(2)  # (N, hidden), gate values in (0, 2)
        return self.fc2(a * g)  # (N, 1)


def sgd_step(params: Iterable[torch.Tensor], lr: float) -> None:
    """Plain SGD, in place: p <- p - lr * p.grad for every parameter that has a gradient."""
    # The update itself must not be recorded: outside no_grad an in-place write into a leaf
    # that requires grad is an error (and an out-of-place one would make p a non-leaf).
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p.sub_(p.grad, alpha=lr)  # in place: same tensor, still a leaf
