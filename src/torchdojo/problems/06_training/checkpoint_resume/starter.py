"""Checkpoint a training run so that resuming it is bit-identical to never stopping."""

import os  # noqa: F401 - for your code
import random  # noqa: F401 - for your code
import tempfile  # noqa: F401 - for your code

import numpy as np  # noqa: F401 - for your code
import torch
from torch import nn


def save_checkpoint(
    path: str,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    scaler: torch.amp.GradScaler,
    epoch: int,
    best: float,
) -> None:
    """Write everything needed to resume after the finished epoch ``epoch``, atomically."""
    # TODO: the state dicts of the model, optimizer, scheduler and scaler
    # TODO: the states of torch's CPU generator, Python's random and NumPy's global generator,
    #       as plain data (NumPy's state holds an ndarray: weights_only=True refuses it)
    # TODO: epoch and best
    checkpoint = {"model": model.state_dict(), "epoch": epoch, "best": best}
    # TODO: write to a temporary file in the same folder, then os.replace it onto path;
    #       on failure remove the temporary file and re-raise
    torch.save(checkpoint, path)


def load_checkpoint(
    path: str,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    scaler: torch.amp.GradScaler,
) -> tuple[int, float]:
    """Restore every state saved by ``save_checkpoint``; return (epoch to start from, best)."""
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    # TODO: restore the optimizer, scheduler and scaler, then the three generators
    # TODO: return the epoch to start from (a Python int) and best (a Python float)
    return checkpoint["epoch"], checkpoint["best"]
