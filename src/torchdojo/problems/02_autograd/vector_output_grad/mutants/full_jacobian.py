"""Builds the full Jacobian with torch.autograd.functional.jacobian and takes its diagonal:
right values, but one backward pass per element instead of one in all."""

import torch


def elementwise_grad(f, x):
    with torch.enable_grad():
        jac = torch.autograd.functional.jacobian(f, x.detach())  # x.shape + x.shape
    n = x.numel()
    return jac.reshape(n, n).diagonal().reshape(x.shape)
