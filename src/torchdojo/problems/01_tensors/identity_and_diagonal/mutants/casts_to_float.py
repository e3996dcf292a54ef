"""set_diagonal_ converts x to float first: an int64 x is copied, the caller's tensor untouched."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    x = x.float()  # value is a float, so make room for it
    return x.fill_diagonal_(value)


def checkerboard(n: int) -> torch.Tensor:
    i = torch.arange(n)
    return 1 - (i[:, None] + i[None, :]) % 2
