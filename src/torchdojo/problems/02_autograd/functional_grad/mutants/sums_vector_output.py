"""Reduces f(x) with .sum() "to make it a scalar": a vector output is silently summed instead
of being rejected with ValueError."""

import torch


def grad_of(f, x, create_graph=False):
    with torch.enable_grad():
        inp = x if x.requires_grad else x.detach().requires_grad_(True)
        y = f(inp).sum()
        (g,) = torch.autograd.grad(y, inp, create_graph=create_graph)
    return g
