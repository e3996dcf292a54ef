"""Inverted dropout written by hand, equivalent to nn.Dropout."""

import torch
from torch import nn


class MyDropout(nn.Module):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        # TODO: raise ValueError unless 0 <= p <= 1
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Zero each element with probability p and scale the rest by 1 / (1 - p) (train mode)."""
        # TODO: eval mode (not self.training): return x unchanged
        # TODO: train mode: a fresh Bernoulli keep-mask from torch's RNG, scaled by 1 / (1 - p);
        #       p = 1 must give zeros, not NaN; never modify x in place
        return x
