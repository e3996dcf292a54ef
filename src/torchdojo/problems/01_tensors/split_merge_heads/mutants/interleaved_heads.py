"""Splits the last dim as (D, h): each head gets every h-th feature instead of a block."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    b, s, e = x.shape
    if h < 1 or e % h != 0:
        raise ValueError("h must divide the last dim")
    return x.view(b, s, e // h, h).permute(0, 3, 1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    b, h, s, d = x.shape
    return x.permute(0, 2, 3, 1).reshape(b, s, h * d)
