"""Flattens H, W with .view before transposing: raises on a non-contiguous input."""

import torch


def nchw_to_nhwc(x: torch.Tensor) -> torch.Tensor:
    b, c, h, w = x.shape
    return x.view(b, c, h * w).transpose(1, 2).contiguous().view(b, h, w, c)


def nhwc_to_nchw(x: torch.Tensor) -> torch.Tensor:
    b, h, w, c = x.shape
    return x.view(b, h * w, c).transpose(1, 2).contiguous().view(b, c, h, w)
