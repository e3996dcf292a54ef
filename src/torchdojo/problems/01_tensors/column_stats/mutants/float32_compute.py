"""Computes in float32 "for speed": float64 inputs lose their precision and dtype."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    x = x.float()
    return x.mean(dim=0), x.std(dim=0, correction=1 if unbiased else 0)
