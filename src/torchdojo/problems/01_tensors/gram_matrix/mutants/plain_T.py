"""Seed issue (S000-2): .T reverses *all* dims, so it is wrong (and deprecated) on a batch."""

import torch


def gram(a: torch.Tensor) -> torch.Tensor:
    return a @ a.T
