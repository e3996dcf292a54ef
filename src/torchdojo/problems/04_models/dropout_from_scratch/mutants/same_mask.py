"""Draws the mask once and reuses it on every call with the same shape: the same units are
dropped every step, which is a fixed pruning, not dropout."""

import torch
from torch import nn


class MyDropout(nn.Module):
    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, got {p}")
        self.p = p
        self._keep: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x  # eval: the identity (model.eval() sets self.training = False)
        # a fresh Bernoulli(1 - p) keep-mask from torch's global RNG, same shape as x
        if self._keep is None or self._keep.shape != x.shape:
            self._keep = torch.rand_like(x) >= self.p
        keep = self._keep  # (bug: the same mask every call)
        # inverted dropout: scale the survivors now so eval needs no rescaling;
        # p = 1 keeps nothing, and a scale of 0 (not 1/0) keeps the output free of NaN
        scale = 1.0 / (1.0 - self.p) if self.p < 1.0 else 0.0
        return x * keep * scale  # (*) a new tensor: x itself is never modified
