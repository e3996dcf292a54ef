"""A small CNN for 32x32 RGB images (CIFAR-10), and one training epoch over a loader."""

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn


class CifarCNN(nn.Module):
    """(B, 3, 32, 32) images -> (B, num_classes) logits, with fewer than 100 000 parameters."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        # TODO: convolution blocks (conv -> ReLU -> pool) and a linear classifier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: features, flatten (keep the batch dimension), classifier; return logits
        raise NotImplementedError


def train_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer) -> float:
    """One pass over ``loader`` with cross-entropy; the sample-weighted mean loss as a float."""
    # TODO: training mode; per batch: zero_grad, forward, F.cross_entropy, backward, step
    # TODO: return the per-sample mean of the losses as a Python float
    raise NotImplementedError
