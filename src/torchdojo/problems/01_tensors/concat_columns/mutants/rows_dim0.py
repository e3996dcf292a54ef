"""Concatenates along dim 0 (stacks rows under each other) instead of dim 1."""

import torch


def concat_columns(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.cat((a, b), dim=0)
