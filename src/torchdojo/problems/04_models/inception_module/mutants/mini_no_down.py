"""MiniInception leaves out the stride-2 max pool between the two modules."""

import torch
from torch import nn


class InceptionModule(nn.Module):
    def __init__(self, in_ch: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int,
                 ch5x5: int, pool_proj: int) -> None:
        super().__init__()
        # 1x1 conv
        self.branch1 = nn.Sequential(nn.Conv2d(in_ch, ch1x1, 1), nn.ReLU(inplace=True))
        # 1x1 reduce -> 3x3 (padding 1 keeps H, W)
        self.branch2 = nn.Sequential(
            nn.Conv2d(in_ch, ch3x3red, 1), nn.ReLU(inplace=True),
            nn.Conv2d(ch3x3red, ch3x3, 3, padding=1), nn.ReLU(inplace=True),
        )
        # 1x1 reduce -> 5x5 (padding 2 keeps H, W)
        self.branch3 = nn.Sequential(
            nn.Conv2d(in_ch, ch5x5red, 1), nn.ReLU(inplace=True),
            nn.Conv2d(ch5x5red, ch5x5, 5, padding=2), nn.ReLU(inplace=True),
        )
        # 3x3 max pool with stride 1 (keeps H, W) -> 1x1 projection
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1),
            nn.Conv2d(in_ch, pool_proj, 1), nn.ReLU(inplace=True),
        )
        self._out_channels = ch1x1 + ch3x3 + ch5x5 + pool_proj

    @property
    def out_channels(self) -> int:
        """Channels of the concatenated output: the sum of the four branches' widths."""
        return self._out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (B, in_ch, H, W) -> four (B, c_i, H, W) -> (B, out_channels, H, W)
        branches = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return torch.cat(branches, dim=1)


class MiniInception(nn.Module):
    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(inplace=True))
        self.inc1 = InceptionModule(32, 16, 16, 24, 4, 8, 8)  # 16 + 24 + 8 + 8 = 56 channels
        # The next module takes everything the previous one concatenated.
        self.inc2 = InceptionModule(self.inc1.out_channels, 24, 24, 32, 8, 16, 16)  # 88
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(self.inc2.out_channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)  # (B, 32, H, W)
        x = self.inc1(x)  # (B, 56, H, W)
        x = self.inc2(x)  # (B, 88, ...)
        x = torch.flatten(self.pool(x), 1)  # (B, 88)
        return self.fc(x)  # (B, num_classes) logits
