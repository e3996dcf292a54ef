"""Saves the input and recomputes sigmoid in backward: right gradient, but the task asks to save
the output (and spares backward the recomputation)."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return grad_output * s * (1 - s)


def my_sigmoid(x):
    return MySigmoid.apply(x)
