"""Rounds the input in place (x.round_()) inside forward: right values and gradient, but the
caller's tensor is overwritten with the rounded values."""

import torch


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.round_()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


def round_ste(x):
    return RoundSTE.apply(x)
