"""Save and resume a training checkpoint as plain data: model state, optimizer state, epoch."""

import torch
from torch import nn


def save_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int,
                    path: str) -> None:
    """Write {model_state, optimizer_state, epoch} to ``path`` with torch.save."""
    # TODO: build the dict with the three keys of the statement and torch.save it to path
    torch.save(model.state_dict(), path)


def load_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, path: str,
                    map_location="cpu") -> int:
    """Restore ``model`` and ``optimizer`` from ``path`` and return the saved epoch."""
    # TODO: torch.load with map_location and weights_only=True
    # TODO: restore the model (strict) and the optimizer; return the epoch as an int
    raise NotImplementedError
