"""MUTANT: the seed's bug: draws with pyplot and calls plt.show() instead of saving (on a headless
machine nothing is displayed and no file is written; the figure also stays open in pyplot)."""

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn import functional as F


def train_and_record(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int,
                     lr: float) -> list[float]:
    """Full-batch SGD on MSE for ``epochs`` epochs; return each epoch's loss as a Python float."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses: list[float] = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def plot_losses(train_losses: list[float], val_losses: list[float], path: str) -> Figure:
    """Plot train and val losses against epochs 1..N (log y) and show them."""
    n = len(train_losses)
    if n == 0 or len(val_losses) != n:
        raise ValueError("need two non-empty loss lists of equal length")
    epochs = range(1, n + 1)
    fig = plt.figure(figsize=(6, 4), dpi=100)
    plt.plot(epochs, train_losses, label="train")
    plt.plot(epochs, val_losses, label="val")
    plt.xlabel("epoch")
    plt.ylabel("loss")
    plt.yscale("log")
    plt.legend()
    plt.show()
    return fig
