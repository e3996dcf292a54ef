"""fill_diagonal_(wrap=True): on a tall matrix the diagonal restarts below the square part."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    return x.fill_diagonal_(value, wrap=True)


def checkerboard(n: int) -> torch.Tensor:
    i = torch.arange(n)
    return 1 - (i[:, None] + i[None, :]) % 2
