"""Calls requires_grad_() on the caller's tensor instead of on a copy: the caller's flag changes."""

import torch


def grad_of(f, x, create_graph=False):
    with torch.enable_grad():
        x.requires_grad_(True)
        y = f(x)
        if y.numel() != 1:
            raise ValueError("f(x) must be a scalar")
        (g,) = torch.autograd.grad(y, x, create_graph=create_graph)
    return g
