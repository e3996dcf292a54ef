"""Rounds half away from zero with sign(x) * floor(|x| + 0.5): 0.5 -> 1, -2.5 -> -3, while
torch.round sends ties to the even integer."""

import torch


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.sign(x) * torch.floor(x.abs() + 0.5)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


def round_ste(x):
    return RoundSTE.apply(x)
