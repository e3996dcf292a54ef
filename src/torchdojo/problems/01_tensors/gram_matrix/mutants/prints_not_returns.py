"""The seed's bug: computes A A^T and prints it, but returns nothing (None)."""

import torch


def gram(a: torch.Tensor) -> torch.Tensor:
    g = a @ a.mT
    print(g)
