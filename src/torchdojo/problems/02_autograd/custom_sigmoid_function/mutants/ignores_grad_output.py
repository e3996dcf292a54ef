"""Backward returns the local derivative y * (1 - y) and forgets to multiply by grad_output."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return y * (1 - y)


def my_sigmoid(x):
    return MySigmoid.apply(x)
