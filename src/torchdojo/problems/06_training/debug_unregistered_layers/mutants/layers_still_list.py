"""Heads and temperature are fixed; the trunk is still a plain Python list.

A multi-task MLP: a shared trunk of Linear layers, one head per task, a learnable temperature.

nn.Module registers a submodule or a parameter only when it is assigned as an attribute of one
of the registering types: an nn.Module (ModuleList and ModuleDict are modules that register
their items under their index or key) or an nn.Parameter. Python lists, dicts and plain tensors
are invisible to parameters(), state_dict() and .to().
"""

import torch
from torch import nn


class MultiTaskMLP(nn.Module):
    """depth x (Linear + ReLU) shared by all tasks, then the task's head, divided by a temperature."""

    def __init__(self, in_features: int, hidden: int, depth: int, heads: dict[str, int]) -> None:
        super().__init__()
        # Registered as layers.0, layers.1, ...
        self.layers = [nn.Linear(in_features if i == 0 else hidden, hidden) for i in range(depth)]
        # Registered under the task names: heads.<task>.weight, heads.<task>.bias
        self.heads = nn.ModuleDict(
            {name: nn.Linear(hidden, n_out) for name, n_out in heads.items()})
        # A learnable scalar: a Parameter, so optimizers, state_dict() and .to() see it.
        self.temperature = nn.Parameter(torch.ones(()))

    def forward(self, x: torch.Tensor, task: str) -> torch.Tensor:
        for layer in self.layers:
            x = torch.relu(layer(x))  # (B, hidden)
        return self.heads[task](x) / self.temperature  # (B, heads[task])
