"""Uses x.view(-1) on the input: fails on a non-contiguous x (e.g. a transposed matrix)."""

import torch


def numerical_grad(f, x, eps=1e-6):
    base = x.detach().to(torch.float64).view(-1)
    n = base.numel()
    grad = torch.empty(n, dtype=torch.float64)
    with torch.no_grad():
        for i in range(n):
            step = torch.zeros(n, dtype=torch.float64)
            step[i] = eps
            grad[i] = (f((base + step).view(x.shape)) - f((base - step).view(x.shape))) / (2 * eps)
    return grad.view(x.shape)


def check_gradients(f, x, atol=1e-5, rtol=1e-4):
    leaf = x.detach().to(torch.float64).requires_grad_(True)
    (analytic,) = torch.autograd.grad(f(leaf), leaf)
    return bool(torch.allclose(analytic, numerical_grad(f, x), rtol=rtol, atol=atol))
