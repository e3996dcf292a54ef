"""Device-agnostic training: pick a device, move nested batches, build tensors where the input is."""

from collections.abc import Iterable
from typing import Any

import torch
from torch import nn


def pick_device(prefer: str | None = None) -> torch.device:
    """The device to train on: `prefer` if given (it must exist), else cuda, then mps, then cpu."""
    # TODO: with prefer: torch.device(prefer), refused (RuntimeError) if it is cuda/mps and absent
    # TODO: without: ask torch.cuda.is_available(), then torch.backends.mps.is_available()
    return torch.device("cuda")


def move_to(obj: Any, device: torch.device | str) -> Any:
    """A copy of `obj` with every tensor moved to `device`; containers are rebuilt, never edited."""
    # TODO: tensors -> .to(device); dict / list / tuple / namedtuple -> new container, recursively
    # TODO: anything else is returned as it is
    return obj


class ContextTagger(nn.Module):
    """Tags every time step from the running mean of the steps so far and the previous step."""

    def __init__(self, in_features: int, hidden: int, num_classes: int, max_len: int) -> None:
        super().__init__()
        self.proj = nn.Linear(in_features, hidden)
        self.head = nn.Linear(2 * hidden, num_classes)
        # TODO: the (max_len, max_len) averaging matrix `avg`, a non-persistent buffer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: h = tanh(proj(x)); ctx = running mean; prev = previous step (zeros at t = 0)
        # TODO: create new tensors on x's device and in x's dtype
        raise NotImplementedError


def train_one_epoch(model: nn.Module, loader: Iterable[dict[str, Any]],
                    optimizer: torch.optim.Optimizer, loss_fn,
                    device: torch.device | str) -> float:
    """One pass over `loader` on `device`; return the sample-weighted mean training loss."""
    # TODO: move the model, set training mode
    # TODO: per batch: move_to(batch, device), zero_grad, loss_fn(model(x), y), backward, step
    # TODO: return the mean loss weighted by batch size, as a Python float
    raise NotImplementedError
