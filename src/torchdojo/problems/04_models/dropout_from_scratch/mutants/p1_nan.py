"""Divides by (1 - p) unconditionally: with p = 1 the output is 0 / 0 = NaN everywhere."""

import torch
from torch import nn


class MyDropout(nn.Module):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, got {p}")
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x  # eval: the identity (model.eval() sets self.training = False)
        # a fresh Bernoulli(1 - p) keep-mask from torch's global RNG, same shape as x
        keep = torch.rand_like(x) >= self.p  # (*) bool; P(keep) = 1 - p
        # inverted dropout: scale the survivors now so eval needs no rescaling;
        return x * keep / (1.0 - self.p)  # (bug: p = 1 divides by zero)
