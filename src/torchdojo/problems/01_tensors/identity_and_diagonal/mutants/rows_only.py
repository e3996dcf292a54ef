"""Diagonal length taken from the rows only: breaks on tall matrices (rows > cols)."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    idx = torch.arange(x.shape[0])
    x[idx, idx] = value
    return x


def checkerboard(n: int) -> torch.Tensor:
    i = torch.arange(n)
    return 1 - (i[:, None] + i[None, :]) % 2
