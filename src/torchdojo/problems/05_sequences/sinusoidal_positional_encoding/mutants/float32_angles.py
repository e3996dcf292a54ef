"""Mutant: the angles and their sines and cosines are computed in float32: the table drifts by
1e-4 and more at positions in the tens of thousands."""

import math

import torch
from torch import Tensor, nn


def sinusoidal_encoding(max_len: int, d_model: int) -> Tensor:
    """The (max_len, d_model) float32 table of sines and cosines."""
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]           # (L, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float32)            # (ceil(d/2),): 0, 2, 4...
    inv_freq = torch.exp(-math.log(10000.0) * two_i / d_model)          # 10000^(-2i/d)
    angles = pos * inv_freq                                             # (L, ceil(d/2))
    pe = torch.empty(max_len, d_model, dtype=torch.float32)
    pe[:, 0::2] = torch.sin(angles)                                     # even columns 2i
    pe[:, 1::2] = torch.cos(angles[:, : d_model // 2])                  # odd columns 2i+1
    return pe.to(torch.float32)


class PositionalEncoding(nn.Module):
    """x + PE[:T] for x of shape (B, T, d_model), then dropout."""

    def __init__(self, d_model: int, max_len: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.max_len = max_len
        self.dropout = nn.Dropout(dropout)
        # a buffer follows .to(device / dtype) but is not trained; persistent=False keeps it
        # out of the state_dict (it is rebuilt from the formula, never learned)
        self.register_buffer("pe", sinusoidal_encoding(max_len, d_model), persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        t = x.size(1)  # batch first: the sequence length is dim 1
        if t > self.max_len:
            raise ValueError(f"sequence length {t} exceeds max_len {self.max_len}")
        # (B, T, d) + (T, d): the same encoding for every sample of the batch
        return self.dropout(x + self.pe[:t])
