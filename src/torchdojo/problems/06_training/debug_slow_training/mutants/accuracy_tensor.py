"""accuracy returns a 0-d tensor instead of a Python float.

A positional encoding and an accuracy metric, vectorised.

SinusoidalEncoding builds its (max_len, dim) table once, in __init__, with whole-tensor ops, and
keeps it as a non-persistent buffer: it moves with .to() but stays out of the state_dict (it is
a constant derived from the constructor arguments). forward only slices and adds.
accuracy compares whole tensors and transfers a single number to the host at the end.
"""

import math

import torch
from torch import nn


class SinusoidalEncoding(nn.Module):
    """Add the fixed sinusoidal position table to a (B, T, dim) batch."""

    def __init__(self, dim: int, max_len: int) -> None:
        super().__init__()
        self.dim = dim
        self.max_len = max_len
        # Angles pos / 10000^(2k / dim) for every position and every pair of columns, at once.
        pos = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)  # (L, 1)
        inv_freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32)
                             * (-math.log(10000.0) / dim))  # (dim/2,)
        angle = pos * inv_freq  # (L, dim/2)
        pe = torch.empty(max_len, dim)  # (L, dim)
        pe[:, 0::2] = torch.sin(angle)  # even columns
        pe[:, 1::2] = torch.cos(angle)  # odd columns
        # A buffer follows .to(device/dtype); persistent=False keeps it out of checkpoints.
        self.register_buffer("pe", pe, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        T = x.shape[1]
        return x + self.pe[:T]  # (B, T, dim) + (T, dim)


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of rows of logits (N, C) whose argmax equals targets (N,), as a Python float."""
    correct = logits.argmax(dim=1) == targets  # (N,) bool, computed where the data lives
    return correct.float().mean()
