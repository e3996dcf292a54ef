"""Wrong dims moved: permute(0, 2, 3, 1) gives (B, H, D, S), the transposed-keys layout."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    b, s, e = x.shape
    if h < 1 or e % h != 0:
        raise ValueError("h must divide the last dim")
    return x.view(b, s, h, e // h).permute(0, 2, 3, 1)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    b, h, d, s = x.shape
    return x.permute(0, 3, 1, 2).reshape(b, s, h * d)
