"""Stores the output as a plain attribute (ctx.y = y) instead of ctx.save_for_backward(y):
gradients come out right, but nothing is saved through autograd's mechanism."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x)
        ctx.y = y
        return y

    @staticmethod
    def backward(ctx, grad_output):
        y = ctx.y
        return grad_output * y * (1 - y)


def my_sigmoid(x):
    return MySigmoid.apply(x)
