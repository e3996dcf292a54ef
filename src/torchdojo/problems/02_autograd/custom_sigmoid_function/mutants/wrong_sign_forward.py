"""Sign slip in the forward formula: 1 / (1 + exp(x)) is sigmoid(-x); a backward of y * (1 - y)
is symmetric and hides it."""

import torch


class MySigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = 1 / (1 + torch.exp(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


def my_sigmoid(x):
    return MySigmoid.apply(x)
