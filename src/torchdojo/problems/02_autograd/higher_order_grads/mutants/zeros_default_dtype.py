"""Returns torch.zeros(x.shape) for a vanishing derivative: the default dtype (float32), not
the dtype of x."""

import torch


def nth_derivative(f, x, n):
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(x)
        for _ in range(n):
            if not y.requires_grad:
                return torch.zeros(x.shape)
            (y,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return y.detach()


def hvp(f, x, v):
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)
        if not g.requires_grad:
            return torch.zeros(x.shape)
        (hv,) = torch.autograd.grad((g * v).sum(), x)
    return hv
