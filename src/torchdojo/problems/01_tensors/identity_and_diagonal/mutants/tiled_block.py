"""checkerboard tiles a 2x2 block n // 2 times: wrong shape for odd n (and empty for n = 1)."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.eye(n, dtype=dtype)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    return x.fill_diagonal_(value)


def checkerboard(n: int) -> torch.Tensor:
    block = torch.tensor([[1, 0], [0, 1]])
    return block.repeat(n // 2, n // 2)
