"""Split the feature dim into attention heads and merge it back, as in multi-head attention."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    """(B, S, H*D) -> (B, H, S, D): head k gets features k*D .. (k+1)*D - 1 of every token."""
    b, s, e = x.shape
    # TODO: reject an h that does not divide the last dim (ValueError)
    # TODO: split the last dim into (h, D), then move the head dim in front of the sequence dim
    return x.reshape(b, h, s, e // h)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(B, H, S, D) -> (B, S, H*D): the inverse of split_heads."""
    # TODO: undo split_heads
    raise NotImplementedError
