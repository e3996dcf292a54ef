"""Tests y.dim() != 0 instead of the number of elements: a one-element output of shape (1,)
is wrongly rejected."""

import torch


def grad_of(f, x, create_graph=False):
    with torch.enable_grad():
        inp = x if x.requires_grad else x.detach().requires_grad_(True)
        y = f(inp)
        if y.dim() != 0:
            raise ValueError("f(x) must be a scalar")
        (g,) = torch.autograd.grad(y, inp, create_graph=create_graph)
    return g
