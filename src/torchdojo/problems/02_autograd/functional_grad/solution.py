"""Gradient of a scalar function with torch.autograd.grad, leaving the caller's tensor alone.

torch.autograd.grad returns the gradient instead of writing it into ``x.grad``, so nothing
accumulates between calls. ``Tensor.backward()`` would add into ``x.grad`` every time.
"""

from collections.abc import Callable

import torch


def grad_of(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
            create_graph: bool = False) -> torch.Tensor:
    """The gradient of the scalar ``f(x)`` with respect to ``x``, same shape as ``x``."""
    # The caller may be inside torch.no_grad(): record this computation regardless.
    with torch.enable_grad():
        # Differentiate w.r.t. x itself when it already takes part in autograd (so the result can
        # be differentiated again w.r.t. x); otherwise w.r.t. a detached leaf copy, so the
        # caller's tensor keeps requires_grad=False.
        inp = x if x.requires_grad else x.detach().requires_grad_(True)  # same shape as x
        y = f(inp)
        # Only a scalar has a gradient of the same shape as its input.
        if y.numel() != 1:
            raise ValueError(f"f(x) must be a scalar, got shape {tuple(y.shape)}")
        # Returned, not accumulated into .grad; create_graph keeps the result differentiable.
        (g,) = torch.autograd.grad(y, inp, create_graph=create_graph)  # same shape as x
    return g
