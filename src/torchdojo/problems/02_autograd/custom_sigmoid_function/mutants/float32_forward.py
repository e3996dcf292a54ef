"""Computes the forward in float32 (torch.sigmoid(x.float())): float64 inputs get a float32
output."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x.float())
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return (grad_output * y * (1 - y)).to(grad_output.dtype)


def my_sigmoid(x):
    return MySigmoid.apply(x)
