"""Rejects any shape mismatch: blocks with different column counts raise instead of joining."""

import torch


def concat_columns(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {tuple(a.shape)} vs {tuple(b.shape)}")
    return torch.cat((a, b), dim=1)
