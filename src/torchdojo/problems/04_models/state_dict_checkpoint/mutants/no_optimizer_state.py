"""Saves only the model and the epoch: the optimizer restarts from scratch (Adam's averages and step count lost)."""

import torch
from torch import nn


def save_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int,
                    path: str) -> None:
    torch.save({"model_state": model.state_dict(), "epoch": int(epoch)}, path)


def load_checkpoint(model: nn.Module, optimizer: torch.optim.Optimizer, path: str,
                    map_location="cpu") -> int:
    checkpoint = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(checkpoint["model_state"], strict=True)
    return int(checkpoint["epoch"])
