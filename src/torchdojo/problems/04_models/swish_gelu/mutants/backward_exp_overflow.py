"""Mistake: the backward written with exp(-x), which overflows.

s'(x) terms through e = exp(-x): at x = -100, e = inf and (1 + e + x e) / (1 + e)^2 is inf/inf
= NaN in float32.
"""

import math

import torch
from torch import nn


class Swish(nn.Module):
    """x * sigmoid(beta * x), with beta trainable when ``learnable``."""

    def __init__(self, beta: float = 1.0, learnable: bool = False) -> None:
        super().__init__()
        beta_t = torch.tensor(float(beta))  # 0-dim float32
        if learnable:
            self.beta = nn.Parameter(beta_t)  # in parameters() and the state_dict
        else:
            self.register_buffer("beta", beta_t)  # in the state_dict, not in parameters()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # A 0-dim beta does not change x's dtype: float64 in, float64 out.
        return x * torch.sigmoid(self.beta * x)  # same shape as x


class GELU(nn.Module):
    """x * Phi(x): exact (erf) or the tanh approximation."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.approximate == "tanh":
            # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))
            return 0.5 * x * (1.0 + torch.tanh(inner))
        # Phi(x) = 0.5 (1 + erf(x / sqrt(2)))
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


class SiLUFunction(torch.autograd.Function):
    """SiLU with a hand-written backward."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)  # the input: the backward recomputes sigmoid from it
        return x * torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        e = torch.exp(-x)
        # d/dx x / (1 + e^-x) = (1 + e + x e) / (1 + e)^2
        return grad_output * (1.0 + e + x * e) / (1.0 + e) ** 2


def silu(x: torch.Tensor) -> torch.Tensor:
    """x * sigmoid(x) through SiLUFunction."""
    return SiLUFunction.apply(x)
