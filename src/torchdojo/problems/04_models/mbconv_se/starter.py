"""EfficientNet's building block: MBConv (inverted residual) with squeeze-and-excitation."""

import torch
import torch.nn.functional as F  # noqa: F401  (F.silu is handy)
from torch import nn


class SqueezeExcite(nn.Module):
    def __init__(self, ch: int, squeeze_ch: int) -> None:
        super().__init__()
        # TODO: fc1 (1x1 conv ch -> squeeze_ch) and fc2 (1x1 conv squeeze_ch -> ch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, ch, H, W) -> (B, ch, H, W): every channel scaled by its gate in (0, 1)."""
        # TODO: mean over H, W -> fc1 -> SiLU -> fc2 -> sigmoid; return x * gate
        raise NotImplementedError


class MBConv(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, expand_ratio: int, kernel: int, stride: int,
                 se_ratio: float = 0.25) -> None:
        super().__init__()
        # TODO: expand (1x1 conv, BN, SiLU; nn.Identity() when expand_ratio == 1)
        # TODO: depthwise (kxk conv with groups = hidden, BN, SiLU), se, project (1x1 conv, BN)
        # TODO: use_residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, in_ch, H, W) -> (B, out_ch, H', W')."""
        # TODO: expand -> depthwise -> se -> project, plus x when use_residual
        raise NotImplementedError


def replace_classifier(model: nn.Module, num_classes: int) -> nn.Module:
    """Give a torchvision EfficientNet a fresh ``num_classes``-way head; keep everything else."""
    # TODO: replace the Linear layer of model.classifier and return the model
    raise NotImplementedError
