"""A Function applied as _Reverse.apply(x, lam) whose backward returns one gradient for two
inputs: autograd rejects the wrong number of gradients."""

import torch


class _Reverse(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return -ctx.lam * grad_output


def grad_reverse(x, lam):
    return _Reverse.apply(x, lam)
