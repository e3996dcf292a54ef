"""A multi-task MLP: a shared trunk of Linear layers, one head per task, a learnable temperature."""

# TODO: this code has 3 bugs; fix them.
# Symptoms:
#   1. torch.optim.SGD(model.parameters(), lr=0.1) raises "optimizer got an empty parameter list";
#   2. after model.to(torch.float64) (or model.to("cuda")) the forward pass fails with a dtype
#      (device) mismatch;
#   3. torch.save(model.state_dict(), path) writes an empty dict, and the temperature, which
#      should be learned, is neither saved nor ever updated.

import torch
from torch import nn


class MultiTaskMLP(nn.Module):
    """depth x (Linear + ReLU) shared by all tasks, then the task's head, divided by a temperature."""

    def __init__(self, in_features: int, hidden: int, depth: int, heads: dict[str, int]) -> None:
        super().__init__()
        self.layers = [nn.Linear(in_features if i == 0 else hidden, hidden) for i in range(depth)]
        self.heads = {name: nn.Linear(hidden, n_out) for name, n_out in heads.items()}
        self.temperature = torch.ones((), requires_grad=True)

    def forward(self, x: torch.Tensor, task: str) -> torch.Tensor:
        for layer in self.layers:
            x = torch.relu(layer(x))
        return self.heads[task](x) / self.temperature
