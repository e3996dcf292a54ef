"""Computes in float64 but returns the gradient in x's dtype: a float32 x gets a float32
gradient, not float64."""

import torch


def numerical_grad(f, x, eps=1e-6):
    base = x.detach().to(torch.float64)
    n = base.numel()
    grad = torch.empty(n, dtype=torch.float64)
    with torch.no_grad():
        for i in range(n):
            step = torch.zeros(n, dtype=torch.float64)
            step[i] = eps
            step = step.reshape(base.shape)
            grad[i] = (f(base + step) - f(base - step)) / (2 * eps)
    return grad.reshape(base.shape).to(x.dtype)


def check_gradients(f, x, atol=1e-5, rtol=1e-4):
    leaf = x.detach().to(torch.float64).requires_grad_(True)
    (analytic,) = torch.autograd.grad(f(leaf), leaf)
    numeric = numerical_grad(f, x).to(torch.float64)
    return bool(torch.allclose(analytic, numeric, rtol=rtol, atol=atol))
