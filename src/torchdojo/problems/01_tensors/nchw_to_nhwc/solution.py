"""Convert image batches between channels-first (NCHW) and channels-last (NHWC) layouts.

permute() only relabels the dims of a view (the memory order stays NCHW); contiguous() then
copies the data so that memory follows the new dim order.
"""

import torch


def nchw_to_nhwc(x: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, H, W, C), as a contiguous tensor."""
    # move the channel dim (1) to the end; the others keep their order
    y = x.permute(0, 2, 3, 1)  # (B, H, W, C), a strided view of x
    # copy into memory laid out in the new dim order
    return y.contiguous()  # (B, H, W, C)


def nhwc_to_nchw(x: torch.Tensor) -> torch.Tensor:
    """(B, H, W, C) -> (B, C, H, W), as a contiguous tensor."""
    # the inverse permutation: bring the last dim (C) back to position 1
    y = x.permute(0, 3, 1, 2)  # (B, C, H, W), a strided view of x
    return y.contiguous()  # (B, C, H, W)
