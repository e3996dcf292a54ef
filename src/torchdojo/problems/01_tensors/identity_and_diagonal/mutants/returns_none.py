"""set_diagonal_ fills the diagonal view in place but forgets to return x (returns None)."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    x.diagonal().fill_(value)


def checkerboard(n: int) -> torch.Tensor:
    i = torch.arange(n)
    return 1 - (i[:, None] + i[None, :]) % 2
