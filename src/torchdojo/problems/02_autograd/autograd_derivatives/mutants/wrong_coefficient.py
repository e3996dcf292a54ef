"""Seed bug (S000-5): a coefficient slip gives 23 at x = 2 instead of 15 (here 4x^2 for 2x^2)."""

import torch


def _derivative(f, x):
    with torch.enable_grad():
        t = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(f(t).sum(), t)
    return g


def poly_grad(x):
    return _derivative(lambda t: t**3 + 4 * t**2 - 5 * t + 1, x)


def sin_grad(x):
    return _derivative(torch.sin, x)
