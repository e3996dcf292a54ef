"""Loops over range(len(x)) and steps a whole row at a time: right for a 1-D x only (a 0-d x
raises, a matrix gets row sums)."""

import torch


def numerical_grad(f, x, eps=1e-6):
    base = x.detach().to(torch.float64)
    grad = torch.empty_like(base)
    with torch.no_grad():
        for i in range(len(base)):
            step = torch.zeros_like(base)
            step[i] = eps
            grad[i] = (f(base + step) - f(base - step)) / (2 * eps)
    return grad


def check_gradients(f, x, atol=1e-5, rtol=1e-4):
    leaf = x.detach().to(torch.float64).requires_grad_(True)
    (analytic,) = torch.autograd.grad(f(leaf), leaf)
    return bool(torch.allclose(analytic, numerical_grad(f, x), rtol=rtol, atol=atol))
