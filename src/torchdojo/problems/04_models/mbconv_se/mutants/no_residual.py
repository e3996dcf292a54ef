"""The input is never added back: no skip connection at all."""

import torch
import torch.nn.functional as F
from torch import nn


class SqueezeExcite(nn.Module):
    def __init__(self, ch: int, squeeze_ch: int) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(ch, squeeze_ch, 1)  # reduce
        self.fc2 = nn.Conv2d(squeeze_ch, ch, 1)  # expand back

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s = x.mean(dim=(2, 3), keepdim=True)  # squeeze: (B, C, 1, 1), per sample and channel
        s = F.silu(self.fc1(s))  # (B, squeeze_ch, 1, 1)
        s = torch.sigmoid(self.fc2(s))  # gates in (0, 1): (B, C, 1, 1)
        return x * s  # excite: scale each channel


class MBConv(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, expand_ratio: int, kernel: int, stride: int,
                 se_ratio: float = 0.25) -> None:
        super().__init__()
        hidden = in_ch * expand_ratio
        # 1x1 expand (left out when it would not widen anything).
        self.expand: nn.Module = nn.Identity()
        if expand_ratio != 1:
            self.expand = nn.Sequential(
                nn.Conv2d(in_ch, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.SiLU())
        # Depthwise kxk: one filter per channel; the stride lives here.
        self.depthwise = nn.Sequential(
            nn.Conv2d(hidden, hidden, kernel, stride=stride, padding=kernel // 2,
                      groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), nn.SiLU())
        # Squeeze-and-excitation, its bottleneck sized from the block's input width.
        self.se = SqueezeExcite(hidden, max(1, int(in_ch * se_ratio)))
        # Linear 1x1 projection: BN, no activation.
        self.project = nn.Sequential(nn.Conv2d(hidden, out_ch, 1, bias=False),
                                     nn.BatchNorm2d(out_ch))
        # Decided by the configuration, never by the shapes seen at run time.
        self.use_residual = stride == 1 and in_ch == out_ch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.expand(x)  # (B, hidden, H, W)
        out = self.depthwise(out)  # (B, hidden, H', W')
        out = self.se(out)  # (B, hidden, H', W')
        out = self.project(out)  # (B, out_ch, H', W')
        return out


def replace_classifier(model: nn.Module, num_classes: int) -> nn.Module:
    """Give a torchvision EfficientNet a fresh ``num_classes``-way head; keep everything else."""
    # torchvision's head is classifier = Sequential(Dropout(p=0.2), Linear(1280, 1000)).
    old = model.classifier[1]
    model.classifier[1] = nn.Linear(old.in_features, num_classes)
    return model
