"""One epoch of minibatch training over a DataLoader, and a loader of synthetic regression data."""

import torch
from torch import nn
from torch.utils.data import DataLoader


def train_epoch(model: nn.Module, loader: DataLoader, loss_fn: nn.Module,
                optimizer: torch.optim.Optimizer) -> float:
    """Train ``model`` for one pass over ``loader``; return the sample-weighted mean loss."""
    # TODO: put the model in training mode
    # TODO: for each batch (x, y) of the loader: zero the gradients, forward, loss, backward, step
    # TODO: accumulate each batch's loss weighted by its size, and count the samples seen
    # TODO: return the mean loss over all the samples seen, as a Python float
    raise NotImplementedError


def make_regression_loader(n: int, batch_size: int, seed: int) -> DataLoader:
    """Shuffled batches of (x, y) with x ~ N(0, I_2) and y = 2*x1 - x2 + 0.1*noise."""
    # TODO: draw x (n, 2) and the noise from a torch.Generator seeded with `seed`
    # TODO: build y with shape (n, 1)
    # TODO: return a shuffling DataLoader over a TensorDataset, reproducible from `seed`
    raise NotImplementedError
