"""Sinusoidal positional encoding, added to batch-first inputs."""

import math  # noqa: F401 - math.log(10000.0) is one way to write the frequencies

import torch
from torch import Tensor, nn


def sinusoidal_encoding(max_len: int, d_model: int) -> Tensor:
    """The (max_len, d_model) float32 table: PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos."""
    # TODO: positions (max_len, 1) and frequencies 10000^(-2i/d), in float64
    # TODO: sines in the even columns, cosines in the odd ones (odd d_model: one cosine fewer)
    # TODO: cast to float32
    return torch.zeros(max_len, d_model)


class PositionalEncoding(nn.Module):
    def __init__(self, d_model: int, max_len: int, dropout: float = 0.0) -> None:
        super().__init__()
        # TODO: self.dropout, and the table as a non-persistent buffer named "pe"
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, d_model) -> dropout(x + pe[:T]); ValueError when T > max_len."""
        # TODO
        raise NotImplementedError
