"""hvp returns the gradient of f (one differentiation instead of two; v is ignored)."""

import torch


def nth_derivative(f, x, n):
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(x)
        for _ in range(n):
            if not y.requires_grad:
                return torch.zeros_like(x)
            (y,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return y.detach()


def hvp(f, x, v):
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(x), x)
    return g
