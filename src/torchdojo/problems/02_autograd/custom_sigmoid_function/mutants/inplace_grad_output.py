"""Multiplies grad_output in place (grad_output.mul_(...)) to save memory: the caller's upstream
gradient is overwritten, and a gradient shared with another branch of the graph is corrupted."""

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
        return grad_output.mul_(y * (1 - y))


def my_sigmoid(x):
    return MySigmoid.apply(x)
