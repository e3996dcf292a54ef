"""Gradient checking: compare autograd's gradient with central finite differences in float64.

    df/dx_i  ~  (f(x + eps * e_i) - f(x - eps * e_i)) / (2 * eps)

The error of the central difference is O(eps**2) (a forward difference is only O(eps)), and float64
keeps the rounding error of f(x + eps e_i) - f(x - eps e_i) small enough for eps = 1e-6. The
input is never written to: every perturbed point is a new tensor.
"""

from collections.abc import Callable

import torch


def numerical_grad(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                   eps: float = 1e-6) -> torch.Tensor:
    """Central-difference gradient of the scalar function ``f`` at ``x``: float64, shaped like x."""
    # A float64 copy cut off from autograd (x may be float32, a leaf that requires grad, or a view).
    base = x.detach().to(torch.float64)                      # shape of x
    n = base.numel()
    grad = torch.empty(n, dtype=torch.float64)               # (n,)
    with torch.no_grad():                                    # no graph for the 2n evaluations
        for i in range(n):
            # One-hot step along element i, in x's shape; base + step is a new tensor.
            step = torch.zeros(n, dtype=torch.float64)
            step[i] = eps
            step = step.reshape(base.shape)
            grad[i] = (f(base + step) - f(base - step)) / (2 * eps)
    return grad.reshape(base.shape)


def check_gradients(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                    atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """True when autograd's gradient of ``f`` at ``x`` matches ``numerical_grad`` (allclose)."""
    # Differentiate at a fresh float64 leaf: x and x.grad stay untouched.
    leaf = x.detach().to(torch.float64).requires_grad_(True)
    (analytic,) = torch.autograd.grad(f(leaf), leaf)        # shape of x
    numeric = numerical_grad(f, x)                          # shape of x
    # Same criterion as torch.autograd.gradcheck: |a - n| <= atol + rtol * |n|, elementwise.
    return bool(torch.allclose(analytic, numeric, rtol=rtol, atol=atol))
