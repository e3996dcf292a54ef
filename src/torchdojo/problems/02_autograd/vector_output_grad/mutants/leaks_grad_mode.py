"""Turns grad mode on with torch.set_grad_enabled(True) and never restores it: a caller inside
torch.no_grad() finds gradients switched back on."""

import torch


def elementwise_grad(f, x):
    torch.set_grad_enabled(True)
    t = x.detach().requires_grad_(True)
    f(t).sum().backward()
    return t.grad
