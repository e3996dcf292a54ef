"""MUTANT: restores torch's and Python's generators but not NumPy's."""


import os
import random
import tempfile

import numpy as np
import torch
from torch import nn


def _numpy_state() -> dict:
    """NumPy's global RandomState as plain data (an ndarray would not load with weights_only)."""
    name, key, pos, has_gauss, cached = np.random.get_state(legacy=True)
    return {"name": name, "key": torch.from_numpy(key.astype(np.int64)),  # (624,)
            "pos": int(pos), "has_gauss": int(has_gauss), "cached": float(cached)}


def _set_numpy_state(s: dict) -> None:
    key = s["key"].numpy().astype(np.uint32)  # (624,)
    np.random.set_state((s["name"], key, s["pos"], s["has_gauss"], s["cached"]))


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
    checkpoint = {
        # learned state and training machinery
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict(),  # {} for a disabled scaler
        # the random streams the loop draws from
        "rng": {
            "torch": torch.get_rng_state(),  # ByteTensor
            "python": random.getstate(),  # tuple of ints: fine for weights_only
        },
        # progress
        "epoch": int(epoch),
        "best": float(best),
    }
    # a temporary file in the same directory, so os.replace is an atomic rename
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ckpt-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(checkpoint, f)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one
    except BaseException:
        # leave no partial file behind, and let the error through
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
    """Restore every state saved by ``save_checkpoint``; return (epoch to start from, best)."""
    # plain data only: refuses pickled objects (UnpicklingError)
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    scaler.load_state_dict(checkpoint["scaler"])
    # random streams last: nothing above may draw from them afterwards
    rng = checkpoint["rng"]
    torch.set_rng_state(rng["torch"])
    random.setstate(rng["python"])
    # the saved epoch is finished: resume with the next one
    return int(checkpoint["epoch"]) + 1, float(checkpoint["best"])
