"""A 1-D convolutional classifier for time series of any length.

Two "same"-padded convolutions slide over time and detect local shapes (a jump, a ramp, a
smooth bend); averaging their feature maps over the time axis turns any number of steps into
one vector per series, so the same weights classify series of every length T >= 1. The
forward returns logits; cross-entropy applies log-softmax itself.
"""

import torch
import torch.nn.functional as F
from torch import nn


class SeriesClassifier(nn.Module):
    """(B, T, F) -> conv1 -> relu -> conv2 -> relu -> mean over time -> fc -> (B, C) logits."""

    def __init__(self, in_features: int, hidden: int, num_classes: int) -> None:
        super().__init__()
        # padding = kernel_size // 2 keeps the length: T steps in, T steps out, even for T = 1
        self.conv1 = nn.Conv1d(in_features, hidden, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(hidden, hidden, kernel_size=5, padding=2)
        self.fc = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.transpose(1, 2)  # (B, F, T): Conv1d wants channels before time
        h = F.relu(self.conv1(h))  # (B, hidden, T)
        h = F.relu(self.conv2(h))  # (B, hidden, T)
        h = h.mean(dim=2)  # (B, hidden): global average over time, whatever T is
        return self.fc(h)  # (B, num_classes) logits


def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int,
                     lr: float) -> list[float]:
    """Full-batch Adam on the cross-entropy; the loss of every step, before its update."""
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()  # gradients of this step only
        loss = F.cross_entropy(model(x), y)  # logits (B, C) vs labels (B,)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
