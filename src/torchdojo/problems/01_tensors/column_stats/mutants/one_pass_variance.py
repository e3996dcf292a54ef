"""One-pass variance E[x^2] - E[x]^2: cancels catastrophically when the mean dwarfs the spread."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    n = x.shape[0]
    mean = x.sum(dim=0) / n
    mean_sq = (x * x).sum(dim=0) / n
    var = (mean_sq - mean * mean).clamp_min(0) * n / (n - 1 if unbiased else n)
    return mean, var.sqrt()
