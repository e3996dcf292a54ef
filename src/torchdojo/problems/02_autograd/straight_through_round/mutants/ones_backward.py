"""Backward returns ones ("the gradient is 1") instead of passing grad_output through."""

import torch


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        return torch.ones_like(grad_output)


def round_ste(x):
    return RoundSTE.apply(x)
