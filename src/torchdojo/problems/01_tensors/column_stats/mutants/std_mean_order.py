"""Returns torch.std_mean's result as is: (std, mean), the wrong order."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.std_mean(x, dim=0, correction=1 if unbiased else 0)
