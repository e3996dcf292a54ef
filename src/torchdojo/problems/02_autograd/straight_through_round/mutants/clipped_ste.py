"""The "clipped" straight-through estimator: passes the gradient only where |x| <= 1 and zeroes
it elsewhere, instead of passing grad_output through everywhere."""

import torch


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x.abs() <= 1).to(grad_output.dtype)


def round_ste(x):
    return RoundSTE.apply(x)
