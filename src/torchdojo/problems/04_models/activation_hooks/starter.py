"""Read intermediate activations and gradients out of a model with module hooks."""

from collections.abc import Callable

import torch
from torch import nn


def capture_activations(model: nn.Module, names: list[str],
                        x: torch.Tensor) -> dict[str, list[torch.Tensor]]:
    """Outputs of the named submodules during ``model(x)``, one copy per call, in call order."""
    # TODO: look the names up in model.named_modules() (KeyError for an unknown one)
    # TODO: register a forward hook on each that appends a detached copy of the output
    # TODO: run model(x); remove every hook afterwards, also when the forward raises
    raise NotImplementedError


def capture_gradients(model: nn.Module, names: list[str], x: torch.Tensor,
                      loss_fn: Callable[[torch.Tensor], torch.Tensor]
                      ) -> dict[str, list[torch.Tensor]]:
    """d loss / d output of the named submodules, one per call, in the order the hooks fire."""
    # TODO: register a full backward hook on each named module that appends grad_output[0]
    # TODO: loss = loss_fn(model(x)); gradients with torch.autograd.grad (no .grad changes)
    # TODO: remove every hook afterwards, also when something raises
    raise NotImplementedError
