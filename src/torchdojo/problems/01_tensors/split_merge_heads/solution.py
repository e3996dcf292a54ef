"""Split the feature dim into attention heads and merge it back, as in multi-head attention."""

import torch


def split_heads(x: torch.Tensor, h: int) -> torch.Tensor:
    """(B, S, H*D) -> (B, H, S, D): head k gets features k*D .. (k+1)*D - 1 of every token."""
    b, s, e = x.shape
    if h < 1 or e % h != 0:
        raise ValueError(f"the last dim ({e}) must split evenly into h={h} heads")
    d = e // h
    # cut each token's E features into h consecutive chunks of D (splitting a dim is a view)
    x = x.view(b, s, h, d)  # (B, S, H, D)
    # make heads a batch-like dim so each head sees its own (S, D) matrix
    return x.transpose(1, 2)  # (B, H, S, D)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(B, H, S, D) -> (B, S, H*D): the inverse of split_heads."""
    b, h, s, d = x.shape
    # bring the sequence dim back in front of the heads
    x = x.transpose(1, 2)  # (B, S, H, D), not contiguous
    # glue the heads side by side; reshape copies here because view cannot
    return x.reshape(b, s, h * d)  # (B, S, H*D)
