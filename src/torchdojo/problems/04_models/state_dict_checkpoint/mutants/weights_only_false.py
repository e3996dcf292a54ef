"""Loads with weights_only=False: any pickled object in the file is unpickled (and may run code)."""

import torch
from torch import nn


def save_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int,
                    path: str) -> None:
    """Write {model_state, optimizer_state, epoch} to ``path`` with torch.save."""
    checkpoint = {
        "model_state": model.state_dict(),  # parameters and buffers, by name
        "optimizer_state": optimizer.state_dict(),  # {"state": ..., "param_groups": ...}
        "epoch": int(epoch),
    }
    # torch.save serialises the tensors' data now: later training steps, which change the
    # live tensors in place, do not reach the file.
    torch.save(checkpoint, path)


def load_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, path: str,
                    map_location="cpu") -> int:
    """Restore ``model`` and ``optimizer`` from ``path`` and return the saved epoch."""
    # weights_only=True: plain data only; map_location puts every storage where asked.
    checkpoint = torch.load(path, map_location=map_location, weights_only=False)
    # strict=True (the default): a missing or unexpected key raises RuntimeError.
    model.load_state_dict(checkpoint["model_state"], strict=True)
    # Copies the state onto the optimizer's own parameters (matched by position).
    optimizer.load_state_dict(checkpoint["optimizer_state"])
    # The train/eval mode is the caller's choice: resuming trains, inference calls eval().
    return int(checkpoint["epoch"])
