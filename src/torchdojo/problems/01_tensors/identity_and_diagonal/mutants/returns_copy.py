"""set_diagonal_ fills a copy and returns it: the caller's tensor is unchanged."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    y = x.clone()
    y.fill_diagonal_(value)
    return y


def checkerboard(n: int) -> torch.Tensor:
    i = torch.arange(n)
    return 1 - (i[:, None] + i[None, :]) % 2
