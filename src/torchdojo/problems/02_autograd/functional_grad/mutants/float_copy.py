"""Makes the working copy with .float(): a float64 x that does not require grad gets a float32
gradient."""

import torch


def grad_of(f, x, create_graph=False):
    with torch.enable_grad():
        inp = x if x.requires_grad else x.detach().float().requires_grad_(True)
        y = f(inp)
        if y.numel() != 1:
            raise ValueError("f(x) must be a scalar")
        (g,) = torch.autograd.grad(y, inp, create_graph=create_graph)
    return g
