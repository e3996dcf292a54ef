"""Applies the mask in place on the caller's tensor (x.mul_): the input is destroyed, and a
leaf that requires grad cannot even be used."""

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
        # p = 1 keeps nothing, and a scale of 0 (not 1/0) keeps the output free of NaN
        scale = 1.0 / (1.0 - self.p) if self.p < 1.0 else 0.0
        return x.mul_(keep * scale)  # (bug: modifies the input)
