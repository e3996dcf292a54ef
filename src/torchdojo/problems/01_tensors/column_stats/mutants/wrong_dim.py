"""Wrong axis: reduces over dim 1 (one value per row, not per column)."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    return x.mean(dim=1), x.std(dim=1, correction=1 if unbiased else 0)
