"""Checks only E % h: h = 0 raises ZeroDivisionError and a negative h slips through to view."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    b, s, e = x.shape
    if e % h != 0:
        raise ValueError("h must divide the last dim")
    return x.view(b, s, h, e // h).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    b, h, s, d = x.shape
    return x.transpose(1, 2).reshape(b, s, h * d)
