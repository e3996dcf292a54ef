"""MUTANT: uses plt.subplots and saves correctly, but never closes the figure: every call leaves
one more figure registered in pyplot (memory grows over a long run; the 'More than 20 figures'
warning)."""

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
    """Plot train and val losses against epochs 1..N (log y) and save a 600x400 PNG at ``path``."""
    n = len(train_losses)
    if n == 0 or len(val_losses) != n:
        raise ValueError("need two non-empty loss lists of equal length")
    epochs = range(1, n + 1)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.plot(epochs, train_losses, label="train")
    ax.plot(epochs, val_losses, label="val")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.legend()
    fig.savefig(path)
    return fig
