"""Passes grad_outputs=torch.ones(len(x)): only works for a 1-D x (0-d and 2-D inputs fail)."""

import torch


def _derivative(f, x):
    with torch.enable_grad():
        t = x.detach().requires_grad_(True)
        y = f(t)
        (g,) = torch.autograd.grad(y, t, grad_outputs=torch.ones(len(x), dtype=x.dtype))
    return g


def poly_grad(x):
    return _derivative(lambda t: t**3 + 2 * t**2 - 5 * t + 1, x)


def sin_grad(x):
    return _derivative(torch.sin, x)
