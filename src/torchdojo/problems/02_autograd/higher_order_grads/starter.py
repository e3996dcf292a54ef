"""Higher-order derivatives and Hessian-vector products by differentiating gradients again."""

from collections.abc import Callable

import torch


def nth_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                   n: int) -> torch.Tensor:
    """The n-th derivative of an elementwise ``f`` at every point of ``x`` (n = 0 gives f(x))."""
    # TODO: reject a negative n with ValueError
    x = x.detach().requires_grad_(True)
    y = f(x)
    # TODO: differentiate n times, keeping each result differentiable
    # TODO: a derivative that no longer depends on x means all later ones are zero
    return y.detach()


def hvp(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
        v: torch.Tensor) -> torch.Tensor:
    """The Hessian of the scalar ``f`` at ``x`` times ``v``, without building the Hessian."""
    # TODO: take the gradient of f at x so that it can be differentiated again
    # TODO: differentiate (gradient . v) with respect to x
    raise NotImplementedError
