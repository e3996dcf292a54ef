"""Saves both x and y "to be safe": the gradient is right, but the input is kept alive too."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        _, y = ctx.saved_tensors
        return grad_output * y * (1 - y)


def my_sigmoid(x):
    return MySigmoid.apply(x)
