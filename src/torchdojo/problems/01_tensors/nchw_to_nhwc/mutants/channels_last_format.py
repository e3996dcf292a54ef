"""memory_format=torch.channels_last changes the memory order but keeps the (B, C, H, W) shape."""

import torch


def nchw_to_nhwc(x: torch.Tensor) -> torch.Tensor:
    return x.contiguous(memory_format=torch.channels_last)


def nhwc_to_nchw(x: torch.Tensor) -> torch.Tensor:
    return x.contiguous()
