"""Rejects a negative n with assert: AssertionError (or nothing at all under python -O)
instead of ValueError."""

import torch


def nth_derivative(f, x, n):
    assert n >= 0, "n must be non-negative"
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
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)
        if not g.requires_grad:
            return torch.zeros_like(x)
        (hv,) = torch.autograd.grad((g * v).sum(), x)
    return hv
