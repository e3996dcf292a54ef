"""Higher-order derivatives and Hessian-vector products by differentiating gradients again.

create_graph=True records the backward pass as a graph of its own, so its result can be
differentiated once more. When a derivative no longer depends on x, autograd returns a tensor
without a graph: every further derivative is zero.
"""

from collections.abc import Callable

import torch


def nth_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                   n: int) -> torch.Tensor:
    """The n-th derivative of an elementwise ``f`` at every point of ``x`` (n = 0 gives f(x))."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    # A private leaf: the caller's tensor is not touched.
    x = x.detach().requires_grad_(True)  # same shape and dtype as the input
    with torch.enable_grad():
        y = f(x)  # same shape as x
        for _ in range(n):
            if not y.requires_grad:
                # y no longer depends on x: all higher derivatives vanish.
                return torch.zeros_like(x)
            # f is elementwise, so d(sum y)/dx_i = dy_i/dx_i; keep the graph for the next round.
            (y,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return y.detach()


def hvp(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
        v: torch.Tensor) -> torch.Tensor:
    """The Hessian of the scalar ``f`` at ``x`` times ``v``, without building the Hessian."""
    x = x.detach().requires_grad_(True)  # (D,)
    with torch.enable_grad():
        # The gradient, kept differentiable.
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)  # (D,)
        if not g.requires_grad:
            # A gradient that does not depend on x: f is linear, the Hessian is zero.
            return torch.zeros_like(x)
        # d(g . v)/dx = H v  (H is symmetric); v is a constant here.
        (hv,) = torch.autograd.grad((g * v).sum(), x)  # (D,)
    return hv
