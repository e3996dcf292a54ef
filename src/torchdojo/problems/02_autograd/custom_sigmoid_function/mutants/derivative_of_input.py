"""Saves the input but applies the output formula to it: x * (1 - x) instead of y * (1 - y)."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x * (1 - x)


def my_sigmoid(x):
    return MySigmoid.apply(x)
