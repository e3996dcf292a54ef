"""Wrong order: A^T A (the m x m Gram matrix of the columns) instead of A A^T."""

import torch


def gram(a: torch.Tensor) -> torch.Tensor:
    return a.mT @ a
