"""Flattens with x.view(1, -1): the whole batch becomes one row, right only for a batch of one."""

import torch
import torch.nn.functional as F
from torch import nn


class DigitCNN(nn.Module):
    """conv(3x3) -> ReLU -> maxpool(2) -> conv(3x3) -> ReLU -> maxpool(2) -> flatten -> linear."""

    def __init__(self, in_ch: int = 1, hidden: int = 16, num_classes: int = 10,
                 img_size: int = 8) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, hidden, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(hidden, 2 * hidden, kernel_size=3, padding=1)
        side = img_size // 2 // 2  # two 2x2 pools, each rounding down: 8 -> 2, 28 -> 7, 14 -> 3
        self.fc = nn.Linear(2 * hidden * side * side, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # (B, hidden, S/2, S/2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # (B, 2*hidden, S/4, S/4)
        x = x.view(1, -1)  # (1, B*2*hidden*(S/4)^2)
        return self.fc(x)  # (B, num_classes) logits, no softmax


def train_digits(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, epochs: int,
                 lr: float, seed: int) -> list[float]:
    """Train ``model`` in place with Adam on shuffled batches of 64; per-epoch mean losses."""
    g = torch.Generator().manual_seed(seed)  # the shuffling depends on seed only
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    n = images.shape[0]
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=g)  # a new order every epoch
        total = 0.0
        for start in range(0, n, 64):
            idx = order[start : start + 64]  # the last batch may be smaller
            optimizer.zero_grad()  # backward() adds into .grad
            loss = F.cross_entropy(model(images[idx]), labels[idx])  # mean over the batch
            loss.backward()
            optimizer.step()
            total += loss.item() * idx.numel()  # undo the mean: weight by batch size
        losses.append(total / n)
    return losses
