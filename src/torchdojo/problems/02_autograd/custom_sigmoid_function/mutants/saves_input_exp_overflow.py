"""Saves the input and recomputes exp(-x) / (1 + exp(-x))**2 in backward:
inf / inf = NaN at x = -100 in float32."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return 1 / (1 + torch.exp(-x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        e = torch.exp(-x)
        return grad_output * e / (1 + e) ** 2


def my_sigmoid(x):
    return MySigmoid.apply(x)
