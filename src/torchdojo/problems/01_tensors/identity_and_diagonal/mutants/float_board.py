"""checkerboard built from torch.ones / torch.zeros: float32 instead of int64."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    return x.fill_diagonal_(value)


def checkerboard(n: int) -> torch.Tensor:
    board = torch.zeros(n, n)
    board[0::2, 0::2] = 1
    board[1::2, 1::2] = 1
    return board
