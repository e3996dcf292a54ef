"""Switches grad mode on with a plain torch.set_grad_enabled(True) call and never restores it:
inside the caller's no_grad() block, gradients are left on."""

import torch


def grad_of(f, x, create_graph=False):
    torch.set_grad_enabled(True)
    inp = x if x.requires_grad else x.detach().requires_grad_(True)
    y = f(inp)
    if y.numel() != 1:
        raise ValueError("f(x) must be a scalar")
    (g,) = torch.autograd.grad(y, inp, create_graph=create_graph)
    return g
