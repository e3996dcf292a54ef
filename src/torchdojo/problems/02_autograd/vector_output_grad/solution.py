"""Gradient of an elementwise, vector-valued function, via one backward pass.

For an elementwise ``f`` the Jacobian ``dy/dx`` is diagonal. ``y.backward(v)`` computes the
vector-Jacobian product ``v^T J``; with ``v = 1`` that is exactly the diagonal, i.e. ``f'(x)``.
``y.sum().backward()`` is the same product (the gradient of a sum is all ones).
"""

from collections.abc import Callable

import torch


def elementwise_grad(f: Callable[[torch.Tensor], torch.Tensor],
                     x: torch.Tensor) -> torch.Tensor:
    """``f'(x)`` elementwise for an elementwise ``f``; the caller's ``x`` is left untouched."""
    # record a graph even if the caller is inside torch.no_grad()
    with torch.enable_grad():
        # a fresh leaf with x's values, so x.grad / x.requires_grad are not touched
        t = x.detach().requires_grad_(True)  # (...)
        # f may branch on values: the graph is built for the branch actually taken
        y = f(t)  # (...)
        # backward of the sum = y.backward(ones): the Jacobian's diagonal for an elementwise f
        y.sum().backward()
    return t.grad  # (...), dtype of x
