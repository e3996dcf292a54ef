"""Every stage keeps stride 1: same keys and shapes (the downsample still changes the width),
but nothing is downsampled after the stem."""

from collections.abc import Sequence

import torch
from torch import nn


class BasicBlock(nn.Module):
    expansion = 1  # output channels = out_ch * expansion

    def __init__(self, in_ch: int, out_ch: int, stride: int = 1,
                 downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_ch)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_ch)
        self.downsample = downsample  # None: identity shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))  # (B, out_ch, H', W')
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)  # add, then ReLU


class ResNet(nn.Module):
    def __init__(self, layers: Sequence[int] = (2, 2, 2, 2), num_classes: int = 10,
                 in_ch: int = 3) -> None:
        super().__init__()
        self.in_planes = 64  # channels entering the next block; updated by _make_layer
        # Stem: (B, in_ch, H, W) -> (B, 64, H/4, W/4)
        self.conv1 = nn.Conv2d(in_ch, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        # Four stages; the first block of stages 2-4 halves H and W.
        self.layer1 = self._make_layer(64, layers[0], stride=1)
        self.layer2 = self._make_layer(128, layers[1], stride=1)
        self.layer3 = self._make_layer(256, layers[2], stride=1)
        self.layer4 = self._make_layer(512, layers[3], stride=1)
        # Head: global average pool -> (B, 512) -> logits.
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * BasicBlock.expansion, num_classes)
        # torchvision's init: He-normal convs, BN with gamma 1 and beta 0.
        for mod in self.modules():
            if isinstance(mod, nn.Conv2d):
                nn.init.kaiming_normal_(mod.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(mod, nn.BatchNorm2d):
                nn.init.ones_(mod.weight)
                nn.init.zeros_(mod.bias)

    def _make_layer(self, out_ch: int, blocks: int, stride: int) -> nn.Sequential:
        width = out_ch * BasicBlock.expansion
        downsample = None
        if stride != 1 or self.in_planes != width:  # the first block changes the shape
            downsample = nn.Sequential(
                nn.Conv2d(self.in_planes, width, 1, stride=stride, bias=False),
                nn.BatchNorm2d(width),
            )
        stage = [BasicBlock(self.in_planes, out_ch, stride, downsample)]
        self.in_planes = width  # every later block sees the stage's width
        stage += [BasicBlock(self.in_planes, out_ch) for _ in range(1, blocks)]
        return nn.Sequential(*stage)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))  # (B, 64, H/4, W/4)
        x = self.layer1(x)  # (B, 64, H/4, W/4)
        x = self.layer2(x)  # (B, 128, H/8, W/8)
        x = self.layer3(x)  # (B, 256, H/16, W/16)
        x = self.layer4(x)  # (B, 512, H/32, W/32)
        x = torch.flatten(self.avgpool(x), 1)  # (B, 512)
        return self.fc(x)  # (B, num_classes)
