"""ResNet's BasicBlock: two 3x3 conv-BN layers plus a shortcut, added before the last ReLU."""

import torch
import torch.nn.functional as F  # noqa: F401  (F.relu is handy)
from torch import nn


class BasicBlock(nn.Module):
    # TODO: the class attribute expansion (output channels = out_ch * expansion)

    def __init__(self, in_ch: int, out_ch: int, stride: int = 1) -> None:
        super().__init__()
        # TODO: conv1 (3x3, carries the stride), bn1, conv2 (3x3), bn2 -- convs without bias
        # TODO: shortcut: identity, or a 1x1 conv + BatchNorm projection when stride != 1 or
        #       the width changes

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, in_ch, H, W) -> (B, out_ch, H', W')."""
        # TODO: conv1 -> bn1 -> relu -> conv2 -> bn2, add the shortcut, then relu
        raise NotImplementedError
