"""Works on x.detach().view(-1): raises on a non-contiguous x (a transposed matrix)."""

import torch


def elementwise_grad(f, x):
    with torch.enable_grad():
        t = x.detach().view(-1).requires_grad_(True)
        f(t.view(x.shape)).sum().backward()
    return t.grad.view(x.shape)
