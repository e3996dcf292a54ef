"""Casts to float32 first: float64 precision and integer dtypes are lost."""

import torch


def gram(a: torch.Tensor) -> torch.Tensor:
    a = a.float()
    return a @ a.mT
