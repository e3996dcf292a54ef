"""Switches grad mode on, then off again at the end, assuming the caller was in no_grad():
an ordinary caller is left with gradients disabled."""

import torch


def grad_of(f, x, create_graph=False):
    torch.set_grad_enabled(True)
    try:
        inp = x if x.requires_grad else x.detach().requires_grad_(True)
        y = f(inp)
        if y.numel() != 1:
            raise ValueError("f(x) must be a scalar")
        (g,) = torch.autograd.grad(y, inp, create_graph=create_graph)
    finally:
        torch.set_grad_enabled(False)
    return g
