"""Elementwise derivatives computed by autograd, leaving the caller's tensor untouched.

Autograd differentiates with respect to a leaf that requires grad. Making a *detached* copy that
leaf (rather than the caller's tensor) and asking ``torch.autograd.grad`` for the gradient keeps
``x.grad`` and ``x.requires_grad`` exactly as they were.
"""

from collections.abc import Callable

import torch


def _elementwise_derivative(f: Callable[[torch.Tensor], torch.Tensor],
                            x: torch.Tensor) -> torch.Tensor:
    """d f(x)_i / d x_i for an elementwise ``f``, same shape and dtype as ``x``."""
    # autograd must record even if the caller is inside torch.no_grad()
    with torch.enable_grad():
        # a fresh leaf with x's values: x itself is neither marked nor accumulated into
        t = x.detach().requires_grad_(True)  # (...)
        y = f(t)  # (...)
        # f is elementwise, so d(sum y)/dt_i = dy_i/dt_i; grad() returns it, .grad stays empty
        (grad,) = torch.autograd.grad(y.sum(), t)
    return grad  # (...), dtype of x


def poly_grad(x: torch.Tensor) -> torch.Tensor:
    """dy/dx of y = x^3 + 2x^2 - 5x + 1 at every element of ``x``."""
    # the polynomial, written as code; autograd does the differentiation
    return _elementwise_derivative(lambda t: t**3 + 2 * t**2 - 5 * t + 1, x)


def sin_grad(x: torch.Tensor) -> torch.Tensor:
    """d/dx sin(x) at every element of ``x``, in the dtype of ``x``."""
    return _elementwise_derivative(torch.sin, x)
