"""Checks h with assert: a bad h raises AssertionError, not ValueError."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    b, s, e = x.shape
    assert h >= 1 and e % h == 0, "h must divide the last dim"
    return x.view(b, s, h, e // h).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    b, h, s, d = x.shape
    return x.transpose(1, 2).reshape(b, s, h * d)
