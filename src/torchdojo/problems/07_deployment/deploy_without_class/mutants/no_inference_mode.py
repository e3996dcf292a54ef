"""Mutant: runs the loaded module with autograd on: the output carries a graph."""

import torch
from torch import Tensor, nn
from torch.export import Dim


def export_for_deployment(model: nn.Module, example: Tensor, path: str) -> None:
    """Export ``model`` in eval mode with a dynamic batch dim and save the program to ``path``."""
    was_training = model.training
    model.eval()  # dropout off, batch norm reads (and no longer updates) its running stats
    try:
        # dim 0 symbolic; positional spec, so the forward's argument name does not matter
        program = torch.export.export(model, (example,), dynamic_shapes=({0: Dim("batch")},))
    finally:
        model.train(was_training)  # hand the caller's model back as it was
    # the program itself, not a pickle of the class: loads where the class does not exist
    torch.export.save(program, path)


def load_and_run(path: str, x: Tensor) -> Tensor:
    """Load the .pt2 at ``path`` (no model class needed) and return its output on ``x``."""
    module = torch.export.load(path).module()  # a callable nn.Module rebuilt from the graph
    return module(x)  # (B, ...)
