"""Freeze all but some parameters by name, and run inference without recording a graph."""

import torch
from torch import nn


def freeze_except(model: nn.Module, prefixes: list[str]) -> int:
    """Train only parameters whose name starts with one of ``prefixes``; count their elements."""
    # TODO: for each (name, p) in model.named_parameters(), make p trainable exactly when name
    #       starts with one of the prefixes, frozen otherwise
    # TODO: return the number of trainable parameter elements
    return 0


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``model(x)`` in eval mode with no graph recorded; the model's mode is restored afterwards."""
    # TODO: switch to eval mode, remember the previous mode and restore it at the end
    # TODO: run the model without recording a graph
    return model(x)
