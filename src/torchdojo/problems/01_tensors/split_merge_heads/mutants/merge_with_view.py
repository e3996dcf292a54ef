"""Merges with view() after transpose: raises on a contiguous (B, H, S, D) input."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    b, s, e = x.shape
    if h < 1 or e % h != 0:
        raise ValueError("h must divide the last dim")
    return x.view(b, s, h, e // h).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    b, h, s, d = x.shape
    return x.transpose(1, 2).view(b, s, h * d)
