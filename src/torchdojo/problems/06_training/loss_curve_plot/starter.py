"""Record one loss per epoch while training, then draw the loss curves into a PNG headlessly."""

import torch
from matplotlib.figure import Figure
from torch import nn


def train_and_record(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int,
                     lr: float) -> list[float]:
    """Full-batch SGD on MSE for ``epochs`` epochs; return each epoch's loss as a Python float."""
    # TODO: build torch.optim.SGD(model.parameters(), lr=lr)
    # TODO: each epoch: clear the gradients, forward, mse_loss, backward, step
    # TODO: record the epoch's forward-pass loss as a Python float
    raise NotImplementedError


def plot_losses(train_losses: list[float], val_losses: list[float], path: str) -> Figure:
    """Plot train and val losses against epochs 1..N (log y) and save a 600x400 PNG at ``path``."""
    # TODO: raise ValueError unless both lists are non-empty and of the same length
    # TODO: a 6 x 4 inch, 100 dpi figure with one Axes that pyplot does not keep open
    # TODO: two lines labelled "train" and "val" over epochs 1..N; labels, log y scale, legend
    # TODO: save a PNG at path and return the figure
    raise NotImplementedError
