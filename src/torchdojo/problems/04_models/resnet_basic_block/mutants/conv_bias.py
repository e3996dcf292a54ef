"""The convolutions keep their bias (bias=True): redundant before BatchNorm, and the
state_dict gains conv1.bias, conv2.bias and shortcut.0.bias."""

import torch
import torch.nn.functional as F
from torch import nn


class BasicBlock(nn.Module):
    expansion = 1  # output channels = out_ch * expansion (4 in the Bottleneck block)

    def __init__(self, in_ch: int, out_ch: int, stride: int = 1) -> None:
        super().__init__()
        # Main path: the first conv carries the stride, the second keeps the size.
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1)
        self.bn1 = nn.BatchNorm2d(out_ch)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm2d(out_ch)
        # Shortcut: identity (no parameters) unless the shape changes.
        self.shortcut = nn.Sequential()
        if stride != 1 or in_ch != out_ch:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_ch, out_ch, 1, stride=stride),
                nn.BatchNorm2d(out_ch),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))  # (B, out_ch, H', W'), H' = (H - 1) // stride + 1
        out = self.bn2(self.conv2(out))  # (B, out_ch, H', W'), no ReLU yet
        return F.relu(out + self.shortcut(x))  # add first, then the ReLU
