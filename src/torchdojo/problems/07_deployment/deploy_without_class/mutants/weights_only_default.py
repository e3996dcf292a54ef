"""Mutant: torch.save(model) then a default torch.load, which is weights_only=True and refuses the pickled class."""

import torch
from torch import Tensor, nn


def export_for_deployment(model: nn.Module, example: Tensor, path: str) -> None:
    """Export ``model`` in eval mode with a dynamic batch dim and save the program to ``path``."""
    was_training = model.training
    model.eval()
    torch.save(model, path)
    model.train(was_training)


def load_and_run(path: str, x: Tensor) -> Tensor:
    """Load the .pt2 at ``path`` (no model class needed) and return its output on ``x``."""
    module = torch.load(path)
    with torch.inference_mode():  # serving: no autograd graph, no version counters
        return module(x)  # (B, ...) for any batch size B
