"""transpose(1, 3) swaps C and W, so H and W end up in the wrong order: (B, W, H, C)."""

import torch


def nchw_to_nhwc(x: torch.Tensor) -> torch.Tensor:
    return x.transpose(1, 3).contiguous()


def nhwc_to_nchw(x: torch.Tensor) -> torch.Tensor:
    return x.transpose(1, 3).contiguous()
