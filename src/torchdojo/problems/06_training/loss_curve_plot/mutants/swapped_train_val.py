"""MUTANT: swaps the curves: the val losses are drawn under the 'train' label."""

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
        # clear gradients left over from earlier work (stale .grad would be added to)
        optimizer.zero_grad()
        pred = model(x)  # (N, D_out)
        loss = F.mse_loss(pred, y)  # () mean over all elements
        loss.backward()
        optimizer.step()
        # the loss of this epoch's forward pass (weights before the update), as a plain float:
        # keeping the tensor would keep its autograd graph alive
        losses.append(loss.item())
    return losses


def plot_losses(train_losses: list[float], val_losses: list[float], path: str) -> Figure:
    """Plot train and val losses against epochs 1..N (log y) and save a 600x400 PNG at ``path``."""
    n = len(train_losses)
    if n == 0 or len(val_losses) != n:
        raise ValueError(f"need two non-empty loss lists of equal length, got "
                         f"{len(train_losses)} and {len(val_losses)}")
    epochs = list(range(1, n + 1))  # epoch numbers start at 1

    # object-oriented API: a Figure that pyplot never sees
    fig = Figure(figsize=(6, 4), dpi=100)
    ax = fig.add_subplot()
    ax.plot(epochs, val_losses, label="train")
    ax.plot(epochs, train_losses, label="val")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")  # losses fall over orders of magnitude
    ax.set_title("loss curves")
    ax.legend()

    # 6 x 4 inches at 100 dpi -> 600 x 400 pixels (no bbox_inches="tight": it crops)
    fig.savefig(path, format="png")
    return fig
