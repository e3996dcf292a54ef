"""Trains for a fixed 500 epochs whatever the epochs argument says."""

import torch
import torch.nn.functional as F
from torch import nn


class XorNet(nn.Module):
    """(B, 2) -> (B, 2) class logits."""

    def __init__(self, hidden: int = 16):
        super().__init__()
        # Input standardisation, set by the training function; not trained.
        self.register_buffer("mean", torch.zeros(2))
        self.register_buffer("std", torch.ones(2))
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = (x - self.mean) / self.std  # (B, 2)
        return self.fc2(torch.relu(self.fc1(z)))  # (B, 2) logits, no softmax


class BinaryMLP(nn.Module):
    """(B, in_features) -> (B,) logits of the positive class."""

    def __init__(self, in_features: int, hidden: int = 16):
        super().__init__()
        self.register_buffer("mean", torch.zeros(in_features))
        self.register_buffer("std", torch.ones(in_features))
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = (x - self.mean) / self.std  # (B, F)
        return self.fc2(torch.relu(self.fc1(z))).squeeze(-1)  # (B,), no sigmoid


def _fit(model: nn.Module, x: torch.Tensor, target: torch.Tensor, loss_fn, epochs: int,
         lr: float) -> nn.Module:
    """Set the standardisation buffers, then full-batch Adam for `epochs` steps; eval mode."""
    model.mean.copy_(x.mean(dim=0))
    model.std.copy_(x.std(dim=0))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(500):
        opt.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()
    return model.eval()


def train_classifier(x: torch.Tensor, y: torch.Tensor, hidden: int = 16, epochs: int = 500,
                     lr: float = 0.05, seed: int = 0) -> XorNet:
    """Train an XorNet on (x (B, 2), y (B,) int64) with cross-entropy on its two logits."""
    torch.manual_seed(seed)  # the seed decides the initial weights
    return _fit(XorNet(hidden), x, y, F.cross_entropy, epochs, lr)


def train_binary(x: torch.Tensor, y: torch.Tensor, hidden: int = 16, epochs: int = 500,
                 lr: float = 0.05, seed: int = 0) -> BinaryMLP:
    """Train a BinaryMLP on (x (B, F), y (B,) int64 in {0, 1}) with BCEWithLogitsLoss."""
    torch.manual_seed(seed)
    model = BinaryMLP(x.shape[1], hidden)
    return _fit(model, x, y.to(x.dtype), F.binary_cross_entropy_with_logits, epochs, lr)
