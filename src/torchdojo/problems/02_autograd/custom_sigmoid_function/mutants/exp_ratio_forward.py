"""Writes the forward as exp(x) / (1 + exp(x)): inf / inf = NaN for large positive x."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(x)
        y = e / (1 + e)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


def my_sigmoid(x):
    return MySigmoid.apply(x)
