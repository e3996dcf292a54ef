"""Backpropagates torch.ones(len(y)): only works for a 1-D x (a 0-d x raises, a matrix gets a
shape mismatch)."""

import torch


def elementwise_grad(f, x):
    with torch.enable_grad():
        t = x.detach().requires_grad_(True)
        y = f(t)
        y.backward(torch.ones(len(y), dtype=y.dtype))
    return t.grad
