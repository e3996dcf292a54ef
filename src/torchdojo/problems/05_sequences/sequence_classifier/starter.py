"""A 1-D convolutional classifier for time series of any length."""

import torch
import torch.nn.functional as F  # noqa: F401 - you will want F.relu and F.cross_entropy
from torch import nn


class SeriesClassifier(nn.Module):
    """(B, T, F) -> conv1 -> relu -> conv2 -> relu -> mean over time -> fc -> (B, C) logits."""

    def __init__(self, in_features: int, hidden: int, num_classes: int) -> None:
        super().__init__()
        # TODO: self.conv1, self.conv2 (nn.Conv1d, kernel_size=5, padding=2) and self.fc
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: (B, T, F) -> (B, F, T), two conv + ReLU, mean over time, fc -> logits
        raise NotImplementedError


def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int,
                     lr: float) -> list[float]:
    """Full-batch Adam on the cross-entropy; the loss of every step, before its update."""
    # TODO: training mode, Adam, `steps` full-batch steps with fresh gradients; return the losses
    raise NotImplementedError
