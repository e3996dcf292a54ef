"""Computes in float32, then casts back to the input dtype: right dtype, wrong digits."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    y = x.float()
    mean, std = y.mean(dim=0), y.std(dim=0, correction=1 if unbiased else 0)
    return mean.to(x.dtype), std.to(x.dtype)
