"""checkerboard from the parity of the flat index: right for odd n, stripes for even n."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    return x.fill_diagonal_(value)


def checkerboard(n: int) -> torch.Tensor:
    return (1 - torch.arange(n * n) % 2).reshape(n, n)
