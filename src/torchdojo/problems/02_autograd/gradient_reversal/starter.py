"""Gradient reversal: identity in the forward pass, gradient times -lam in the backward pass."""

import torch


def grad_reverse(x: torch.Tensor, lam: float) -> torch.Tensor:
    """Return a tensor equal to ``x`` whose gradient is multiplied by ``-lam`` on the way back."""
    # TODO: make a new node equal to x, and reverse (and scale) the gradient that flows through it
    return x
