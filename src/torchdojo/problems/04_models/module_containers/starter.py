"""Containers that register what they hold: a named nn.Sequential and an nn.ModuleDict of heads."""

from collections import OrderedDict  # noqa: F401 - for the named children

import torch
from torch import nn


def make_mlp(sizes: list[int], act: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    """Linear layers ``sizes[i] -> sizes[i+1]`` named fc0, fc1, ..., with ``act()`` (named
    act0, act1, ...) after every Linear but the last."""
    # TODO: raise ValueError when sizes has fewer than two entries
    # TODO: build an OrderedDict fc0, act0, fc1, ..., fc(n-1) and return nn.Sequential(it)
    raise NotImplementedError


class MultiHead(nn.Module):
    """A shared trunk and one Linear head per task; ``forward(x, task)`` picks the head."""

    def __init__(self, in_features: int, hidden: int, heads: dict[str, int]) -> None:
        super().__init__()
        # TODO: self.trunk = Sequential(fc0=Linear(in_features, hidden), act0=ReLU())
        # TODO: self.heads = nn.ModuleDict with one nn.Linear(hidden, n_out) per task
        raise NotImplementedError

    def forward(self, x: torch.Tensor, task: str) -> torch.Tensor:
        # TODO: run the trunk, then the head of `task`
        raise NotImplementedError
