"""Right gradient, but computed on the caller's own tensor: its requires_grad is switched on,
its .grad is filled, and a second call accumulates into it."""

import torch


def elementwise_grad(f, x):
    x.requires_grad_(True)
    y = f(x)
    y.backward(torch.ones_like(y))
    return x.grad
