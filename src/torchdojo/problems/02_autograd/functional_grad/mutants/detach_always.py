"""Always differentiates w.r.t. a private detached copy: even with create_graph=True the result
is not connected to the caller's x, so it cannot be differentiated again w.r.t. x."""

import torch


def grad_of(f, x, create_graph=False):
    with torch.enable_grad():
        inp = x.detach().requires_grad_(True)
        y = f(inp)
        if y.numel() != 1:
            raise ValueError("f(x) must be a scalar")
        (g,) = torch.autograd.grad(y, inp, create_graph=create_graph)
    return g
