"""Gradient of a scalar function with torch.autograd.grad, leaving the caller's tensor alone."""

from collections.abc import Callable

import torch


def grad_of(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
            create_graph: bool = False) -> torch.Tensor:
    """The gradient of the scalar ``f(x)`` with respect to ``x``, same shape as ``x``."""
    # TODO: make sure the computation is recorded even inside torch.no_grad()
    # TODO: pick the tensor to differentiate with respect to, without changing the caller's x
    y = f(x)
    # TODO: raise ValueError when f(x) is not a scalar
    # TODO: compute the gradient with torch.autograd.grad (honour create_graph)
    return torch.zeros_like(x) + 0 * y.sum()
