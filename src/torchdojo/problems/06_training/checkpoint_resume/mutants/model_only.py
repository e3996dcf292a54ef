"""MUTANT: the seed's checkpoint: only the model's weights (plus epoch and best) are saved, so the
optimizer, the schedule, the scaler and the random streams all restart when training resumes."""

import os
import tempfile

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
    """Write the weights, the epoch and the best loss, atomically."""
    checkpoint = {"model": model.state_dict(), "epoch": int(epoch), "best": float(best)}
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(checkpoint, f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_checkpoint(
    path: str,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    scaler: torch.amp.GradScaler,
) -> tuple[int, float]:
    """Restore the weights; return (epoch to start from, best)."""
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])
    return int(checkpoint["epoch"]) + 1, float(checkpoint["best"])
