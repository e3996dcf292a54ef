"""reshape to the target shape: right shape, but the values are scrambled across dims."""

import torch


def nchw_to_nhwc(x: torch.Tensor) -> torch.Tensor:
    b, c, h, w = x.shape
    return x.reshape(b, h, w, c)


def nhwc_to_nchw(x: torch.Tensor) -> torch.Tensor:
    b, h, w, c = x.shape
    return x.reshape(b, c, h, w)
