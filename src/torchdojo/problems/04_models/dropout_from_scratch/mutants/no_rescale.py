"""Drops elements but never rescales the survivors: the expected output is (1 - p) * x in
training and x in eval, so the two modes disagree."""

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
        return x * keep  # (bug: no 1 / (1 - p))
