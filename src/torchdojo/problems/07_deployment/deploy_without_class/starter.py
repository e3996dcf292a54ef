"""Package a model for deployment without its Python class: a torch.export .pt2 archive."""

import torch
from torch import Tensor, nn
from torch.export import Dim  # noqa: F401 - for your code


def export_for_deployment(model: nn.Module, example: Tensor, path: str) -> None:
    """Export ``model`` in eval mode with a dynamic batch dim and save the program to ``path``."""
    # TODO: export in inference behaviour without leaving the caller's model changed
    # TODO: a dynamic batch dimension; save the program itself (torch.export), not a pickle
    torch.save(model, path)


def load_and_run(path: str, x: Tensor) -> Tensor:
    """Load the .pt2 at ``path`` (no model class needed) and return its output on ``x``."""
    # TODO: this needs the model's class to be importable; a deployment process has none
    model = torch.load(path, weights_only=False)
    return model(x)
