"""Convert image batches between channels-first (NCHW) and channels-last (NHWC) layouts."""

import torch


def nchw_to_nhwc(x: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, H, W, C), as a contiguous tensor."""
    b, c, h, w = x.shape
    # TODO: reorder the dims (reshape keeps the memory order, so this is wrong)
    return x.reshape(b, h, w, c)


def nhwc_to_nchw(x: torch.Tensor) -> torch.Tensor:
    """(B, H, W, C) -> (B, C, H, W), as a contiguous tensor."""
    # TODO: the inverse of nchw_to_nhwc
    raise NotImplementedError
