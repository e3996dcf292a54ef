"""Reduces with keepdim=True: results of shape (1, M) instead of (M,)."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, correction=1 if unbiased else 0, keepdim=True)
    return mean, std
