"""Computes the forward in place (x.sigmoid_()): values and gradient are right, but the
caller's input tensor is overwritten with sigmoid(x)."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.sigmoid_()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


def my_sigmoid(x):
    return MySigmoid.apply(x)
