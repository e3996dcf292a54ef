"""Like the seed, takes the analytic gradient with f(x).backward() and reads x.grad: the caller's
x.grad is filled in, and a second check on the same x sees the gradients accumulated (doubled)."""

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
    return grad.reshape(base.shape)


def check_gradients(f, x, atol=1e-5, rtol=1e-4):
    f(x).backward()
    analytic = x.grad.to(torch.float64)
    return bool(torch.allclose(analytic, numerical_grad(f, x), rtol=rtol, atol=atol))
