"""Mutant: exports without dynamic_shapes: only the example's batch size is accepted."""

import torch
from torch import Tensor, nn


def export_for_deployment(model: nn.Module, example: Tensor, path: str) -> None:
    """Export ``model`` in eval mode with a dynamic batch dim and save the program to ``path``."""
    was_training = model.training
    model.eval()  # dropout off, batch norm reads (and no longer updates) its running stats
    try:
        # dim 0 symbolic; positional spec, so the forward's argument name does not matter
        program = torch.export.export(model, (example,))
    finally:
        model.train(was_training)  # hand the caller's model back as it was
    # the program itself, not a pickle of the class: loads where the class does not exist
    torch.export.save(program, path)


def load_and_run(path: str, x: Tensor) -> Tensor:
    """Load the .pt2 at ``path`` (no model class needed) and return its output on ``x``."""
    module = torch.export.load(path).module()  # a callable nn.Module rebuilt from the graph
    with torch.inference_mode():  # serving: no autograd graph, no version counters
        return module(x)  # (B, ...) for any batch size B
