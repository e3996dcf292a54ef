"""view/reshape straight to the target shape: right shapes, round trip works, values wrong."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    b, s, e = x.shape
    if h < 1 or e % h != 0:
        raise ValueError("h must divide the last dim")
    return x.view(b, h, s, e // h)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    b, h, s, d = x.shape
    return x.reshape(b, s, h * d)
