"""Swish, GELU and SiLU written from primitives (no F.silu / F.gelu / nn.SiLU / nn.GELU)."""

import math  # noqa: F401  (math.sqrt, math.pi)

import torch
from torch import nn


class Swish(nn.Module):
    """x * sigmoid(beta * x), with beta trainable when ``learnable``."""

    def __init__(self, beta: float = 1.0, learnable: bool = False) -> None:
        super().__init__()
        # TODO: store beta as a 0-dim float32 tensor named "beta": an nn.Parameter when
        #       learnable, a registered buffer otherwise
        self.learnable = learnable

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: x * sigmoid(beta * x)
        raise NotImplementedError


class GELU(nn.Module):
    """x * Phi(x): exact (erf) or the tanh approximation."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        # TODO: reject anything but "none" and "tanh" with ValueError
        self.approximate = approximate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: the erf form for "none", the tanh formula for "tanh"
        raise NotImplementedError


class SiLUFunction(torch.autograd.Function):
    """SiLU with a hand-written backward."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        # TODO: save the input for backward, return x * sigmoid(x)
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        # TODO: grad_output * s * (1 + x * (1 - s)) with s = sigmoid(x)
        raise NotImplementedError


def silu(x: torch.Tensor) -> torch.Tensor:
    """x * sigmoid(x) through SiLUFunction."""
    # TODO: go through SiLUFunction.apply
    raise NotImplementedError
