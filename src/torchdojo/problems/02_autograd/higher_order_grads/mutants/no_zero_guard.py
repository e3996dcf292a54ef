"""No guard for a derivative that no longer depends on x: autograd raises instead of the
derivative being zero (x*x*x for n >= 4, a linear f in hvp)."""

import torch


def nth_derivative(f, x, n):
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(x)
        for _ in range(n):
            (y,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return y.detach()


def hvp(f, x, v):
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)
        (hv,) = torch.autograd.grad((g * v).sum(), x)
    return hv
