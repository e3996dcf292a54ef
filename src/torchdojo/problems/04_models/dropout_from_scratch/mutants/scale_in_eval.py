"""The original, non-inverted dropout: no scaling in training, x * (1 - p) in eval. Same
expectations, but not what nn.Dropout (and the statement) do."""

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
            return x * (1 - self.p)  # (bug: scales at eval time)
        # a fresh Bernoulli(1 - p) keep-mask from torch's global RNG, same shape as x
        keep = torch.rand_like(x) >= self.p  # (*) bool; P(keep) = 1 - p
        return x * keep
