"""Differentiates without create_graph=True: the first derivative has no graph, so every order
from 2 on comes out as zero (or raises)."""

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
            (y,) = torch.autograd.grad(y.sum(), x)
    return y.detach()


def hvp(f, x, v):
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)
        if not g.requires_grad:
            return torch.zeros_like(x)
        (hv,) = torch.autograd.grad((g * v).sum(), x)
    return hv
