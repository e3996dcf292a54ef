"""Uses x itself only when x is a leaf that requires grad: a non-leaf x (the output of earlier
computation) is detached, so with create_graph=True the result is not connected to it."""

import torch


def grad_of(f, x, create_graph=False):
    with torch.enable_grad():
        inp = x if (x.is_leaf and x.requires_grad) else x.detach().requires_grad_(True)
        y = f(inp)
        if y.numel() != 1:
            raise ValueError("f(x) must be a scalar")
        (g,) = torch.autograd.grad(y, inp, create_graph=create_graph)
    return g
