"""ResNet-18 from scratch, with torchvision's module names so its state_dict is torchvision's."""

from collections.abc import Sequence

import torch
from torch import nn


class BasicBlock(nn.Module):
    # TODO: the class attribute expansion

    def __init__(self, in_ch: int, out_ch: int, stride: int = 1,
                 downsample: nn.Module | None = None) -> None:
        super().__init__()
        # TODO: conv1 (3x3, stride), bn1, conv2 (3x3), bn2 -- no conv bias; keep downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: conv1 -> bn1 -> relu -> conv2 -> bn2, + downsample(x) (or x), relu
        raise NotImplementedError


class ResNet(nn.Module):
    def __init__(self, layers: Sequence[int] = (2, 2, 2, 2), num_classes: int = 10,
                 in_ch: int = 3) -> None:
        super().__init__()
        # TODO: stem conv1 (7x7/2), bn1, relu, maxpool (3x3/2, padding 1)
        # TODO: layer1..layer4 (64, 128, 256, 512 channels; stages 2-4 start with stride 2)
        # TODO: avgpool (adaptive, 1x1) and fc

    def _make_layer(self, out_ch: int, blocks: int, stride: int) -> nn.Sequential:
        # TODO: the first block gets a downsample (1x1 conv + BN) when the shape changes;
        #       the others take out_ch channels in
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, in_ch, H, W) -> (B, num_classes) logits."""
        # TODO: stem, the four stages, global average pool, flatten, fc
        raise NotImplementedError
