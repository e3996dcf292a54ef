"""Makes unbiased default to False (numpy's habit): column_stats(x) divides by N, not N - 1."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    std, mean = torch.std_mean(x, dim=0, correction=1 if unbiased else 0)
    return mean, std
