"""Cuts the series into non-overlapping chunks (unfold with step = window + horizon) instead of
one window per start position: most of the training windows are missing."""

import torch
from torch import nn


def make_windows(series: torch.Tensor, window: int, horizon: int = 1
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Every stride-1 window of ``window`` inputs followed by its ``horizon`` targets."""
    if series.dim() == 1:
        series = series.unsqueeze(1)  # (N,) -> (N, 1): one feature
    n = series.shape[0]
    if window < 1 or horizon < 1 or n < window + horizon:
        raise ValueError(f"need window >= 1, horizon >= 1 and N >= window + horizon, got "
                         f"N={n}, window={window}, horizon={horizon}")
    # unfold over time: (M, F, window + horizon) with M = N - window - horizon + 1, step 1
    chunks = series.unfold(0, window + horizon, window + horizon).transpose(1, 2)  # (M, window + horizon, F)
    x = chunks[:, :window]  # (M, window, F): series[i : i + window]
    y = chunks[:, window:]  # (M, horizon, F): series[i + window : i + window + horizon]
    return x.contiguous(), y.contiguous()


def train_test_split_series(series: torch.Tensor, test_fraction: float
                            ) -> tuple[torch.Tensor, torch.Tensor]:
    """The first part for training, the last ``int(N * test_fraction)`` steps for testing."""
    n = series.shape[0]
    n_test = int(n * test_fraction)
    if not 0 < n_test < n:
        raise ValueError(f"test_fraction={test_fraction} leaves {n_test} of {n} steps for testing")
    # Chronological: the test part is the future of the training part, never shuffled in.
    return series[: n - n_test], series[n - n_test:]


def fit_scaler(train: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-feature mean and population standard deviation over time (dim 0)."""
    return train.mean(dim=0), train.std(dim=0, correction=0)  # () or (F,) each


def prepare_data(series: torch.Tensor, window: int, horizon: int, test_fraction: float
                 ) -> tuple[torch.Tensor, ...]:
    """(X_train, y_train, X_test, y_test, mean, std) with no test information in training."""
    train, test = train_test_split_series(series, test_fraction)  # split first
    mean, std = fit_scaler(train)  # statistics of the training part only
    train, test = (train - mean) / std, (test - mean) / std  # the same scaling for both
    # Each part is windowed on its own: no window straddles the split, so no training target
    # lies in the test period, and the first test target is test[window].
    x_train, y_train = make_windows(train, window, horizon)
    x_test, y_test = make_windows(test, window, horizon)
    return x_train, y_train, x_test, y_test, mean, std


class Forecaster(nn.Module):
    """LSTM over the window, a linear head on its last output: (B, T, F) -> (B, horizon, F)."""

    def __init__(self, in_features: int, hidden: int, horizon: int = 1) -> None:
        super().__init__()
        self.horizon = horizon
        self.lstm = nn.LSTM(in_features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, horizon * in_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, f = x.shape  # (B, T, F)
        out, _ = self.lstm(x)  # (B, T, hidden), zero initial state
        pred = self.head(out[:, -1])  # (B, horizon * F) from the last step's output
        return pred.view(b, self.horizon, f)  # (B, horizon, F): index k * F + f


def train_forecaster(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int,
                     lr: float) -> list[float]:
    """Full-batch Adam on the mean squared error; the loss of every step, before its update."""
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(steps):
        opt.zero_grad()  # this step's gradient only
        loss = loss_fn(model(x), y)  # (B, horizon, F) vs (B, horizon, F)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
