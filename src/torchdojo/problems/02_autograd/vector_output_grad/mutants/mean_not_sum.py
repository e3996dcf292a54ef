"""Reduces with mean() instead of sum(): every derivative is divided by the number of elements."""

import torch


def elementwise_grad(f, x):
    with torch.enable_grad():
        t = x.detach().requires_grad_(True)
        f(t).mean().backward()
    return t.grad
