"""A GoogLeNet-style Inception module and a small network of two of them."""

import torch
from torch import nn


class InceptionModule(nn.Module):
    def __init__(self, in_ch: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int,
                 ch5x5: int, pool_proj: int) -> None:
        super().__init__()
        # TODO: branch1 = 1x1 conv, ReLU
        # TODO: branch2 = 1x1 reduce, ReLU, 3x3 conv (keeps H, W), ReLU
        # TODO: branch3 = 1x1 reduce, ReLU, 5x5 conv (keeps H, W), ReLU
        # TODO: branch4 = 3x3 max pool (keeps H, W), 1x1 conv, ReLU

    @property
    def out_channels(self) -> int:
        """Channels of the concatenated output."""
        # TODO: the sum of the four branches' output widths
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, in_ch, H, W) -> (B, out_channels, H, W)."""
        # TODO: run the four branches and concatenate them on the channel axis, in order
        raise NotImplementedError


class MiniInception(nn.Module):
    def __init__(self, num_classes: int) -> None:
        super().__init__()
        # TODO: stem, inc1, down, inc2 (its in_ch is inc1's whole output), pool, fc

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) -> (B, num_classes) logits."""
        # TODO: stem -> inc1 -> down -> inc2 -> pool -> flatten -> fc
        raise NotImplementedError
