"""Builds nn.Sequential(*layers) from a list: the children are named 0, 1, 2, ... instead of fc0, act0, fc1, ..."""

from collections import OrderedDict

import torch
from torch import nn


def make_mlp(sizes: list[int], act: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    """Linear layers ``sizes[i] -> sizes[i+1]`` named fc0, fc1, ..., with ``act()`` (named
    act0, act1, ...) after every Linear but the last."""
    if len(sizes) < 2:
        raise ValueError(f"make_mlp needs at least two sizes, got {sizes}")
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    n = len(sizes) - 1  # the number of Linear layers
    for i in range(n):
        layers[f"fc{i}"] = nn.Linear(sizes[i], sizes[i + 1])  # (d_i) -> (d_{i+1})
        if i < n - 1:  # no activation after the output layer
            layers[f"act{i}"] = act()  # a fresh instance per position
    return nn.Sequential(*layers.values())


class MultiHead(nn.Module):
    """A shared trunk and one Linear head per task; ``forward(x, task)`` picks the head."""

    def __init__(self, in_features: int, hidden: int, heads: dict[str, int]) -> None:
        super().__init__()
        self.trunk = nn.Sequential(OrderedDict(fc0=nn.Linear(in_features, hidden),
                                               act0=nn.ReLU()))
        # ModuleDict registers each head under its task name: heads.<task>.weight, ...
        self.heads = nn.ModuleDict({task: nn.Linear(hidden, n_out)
                                    for task, n_out in heads.items()})

    def forward(self, x: torch.Tensor, task: str) -> torch.Tensor:
        h = self.trunk(x)  # (B, hidden)
        return self.heads[task](h)  # (B, n_out); an unknown task raises KeyError
