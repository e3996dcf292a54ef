"""Sliding windows for forecasting, a leak-free train/test pipeline, and an LSTM forecaster."""

import torch
from torch import nn


def make_windows(series: torch.Tensor, window: int, horizon: int = 1
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Every stride-1 window of ``window`` inputs followed by its ``horizon`` targets.

    (N,) or (N, F) -> X (M, window, F), y (M, horizon, F), M = N - window - horizon + 1.
    """
    # TODO: treat a 1-D series as one feature; raise ValueError for bad window/horizon/length
    # TODO: X[i] = series[i : i + window], y[i] = series[i + window : i + window + horizon]
    raise NotImplementedError


def train_test_split_series(series: torch.Tensor, test_fraction: float
                            ) -> tuple[torch.Tensor, torch.Tensor]:
    """The first part for training, the last ``int(N * test_fraction)`` steps for testing."""
    # TODO: a chronological split (no shuffling); ValueError unless 0 < n_test < N
    raise NotImplementedError


def fit_scaler(train: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-feature mean and population standard deviation over time (dim 0)."""
    # TODO: mean and std (correction=0) over dim 0
    raise NotImplementedError


def prepare_data(series: torch.Tensor, window: int, horizon: int, test_fraction: float
                 ) -> tuple[torch.Tensor, ...]:
    """(X_train, y_train, X_test, y_test, mean, std) with no test information in training."""
    # TODO: split, fit the scaler on the training part, scale both parts, window each part
    raise NotImplementedError


class Forecaster(nn.Module):
    """LSTM over the window, a linear head on its last output: (B, T, F) -> (B, horizon, F)."""

    def __init__(self, in_features: int, hidden: int, horizon: int = 1) -> None:
        super().__init__()
        # TODO: self.lstm = nn.LSTM(..., batch_first=True); self.head = nn.Linear(...)
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: LSTM, head on the last time step's output, reshape to (B, horizon, F)
        raise NotImplementedError


def train_forecaster(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int,
                     lr: float) -> list[float]:
    """Full-batch Adam on the mean squared error; the loss of every step, before its update."""
    # TODO: training mode, Adam, `steps` full-batch MSE steps; return the losses as floats
    raise NotImplementedError
