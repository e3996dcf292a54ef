"""Mutant: pickles the whole module with torch.save(model): loading needs the class (and weights_only=False)."""

import torch
from torch import Tensor, nn


def export_for_deployment(model: nn.Module, example: Tensor, path: str) -> None:
    """Export ``model`` in eval mode with a dynamic batch dim and save the program to ``path``."""
    model.eval()
    torch.save(model, path)


def load_and_run(path: str, x: Tensor) -> Tensor:
    """Load the .pt2 at ``path`` (no model class needed) and return its output on ``x``."""
    module = torch.load(path, weights_only=False)
    with torch.inference_mode():  # serving: no autograd graph, no version counters
        return module(x)  # (B, ...) for any batch size B
