"""Computes the finite differences in float32 (as the seed did): rounding noise swamps eps=1e-6."""

import torch


def numerical_grad(f, x, eps=1e-6):
    base = x.detach().to(torch.float32)
    n = base.numel()
    grad = torch.empty(n, dtype=torch.float32)
    with torch.no_grad():
        for i in range(n):
            step = torch.zeros(n, dtype=torch.float32)
            step[i] = eps
            step = step.reshape(base.shape)
            grad[i] = (f(base + step) - f(base - step)) / (2 * eps)
    return grad.reshape(base.shape).to(torch.float64)


def check_gradients(f, x, atol=1e-5, rtol=1e-4):
    leaf = x.detach().to(torch.float64).requires_grad_(True)
    (analytic,) = torch.autograd.grad(f(leaf), leaf)
    return bool(torch.allclose(analytic, numerical_grad(f, x), rtol=rtol, atol=atol))
