"""Two small regressors and their loss, from a project where "the shapes look fine"."""

# TODO: this code has 3 bugs; fix them.
# Symptoms:
#   1. ConvRegressor trains on 28x28 images, but built for 32x32 (or any other size) its first
#      forward fails with "mat1 and mat2 shapes cannot be multiplied";
#   2. every call of regression_loss prints "UserWarning: Using a target size ... that is
#      different to the input size", and the models only learn to predict the mean target;
#   3. SequenceRegressor runs without any error, but the prediction for one sequence changes
#      when the other sequences in the batch change.

import torch
import torch.nn.functional as F
from torch import nn


class ConvRegressor(nn.Module):
    """Two conv blocks and a linear head: (B, C, H, W) images -> (B, 1) predictions."""

    def __init__(self, in_channels: int, height: int, width: int) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 8, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.head = nn.Linear(16 * 6 * 6, 1)  # 16 maps of 6 x 6 after the features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).flatten(1))


class SequenceRegressor(nn.Module):
    """A GRU over (B, T, F) sequences; the last time step's output -> (B, 1) predictions."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.rnn = nn.GRU(input_size, hidden_size)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def regression_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error of the models' (N, 1) predictions against (N,) targets."""
    return F.mse_loss(pred, target)
