"""A three-layer MLP with one skip connection around the middle layer.

h1 = relu(fc1(x)); h2 = relu(fc2(h1)) + h1; out = fc3(h2). The skip gives h1 (and, on the way
back, fc1's gradient) a path around fc2: fc1 receives the sum of the gradients of both paths.
The forward returns logits; the softmax belongs to the loss (nn.CrossEntropyLoss).
"""

import torch
import torch.nn.functional as F
from torch import nn


class SkipMLP(nn.Module):
    """fc1 -> relu -> (fc2 -> relu) + skip -> fc3, returning logits."""

    def __init__(self, in_features: int, hidden: int, out_features: int) -> None:
        super().__init__()  # must run first: it creates the registries of submodules
        # Assigning an nn.Module to an attribute registers it: its parameters appear in
        # parameters() and state_dict() under "fc1.weight", "fc1.bias", ...
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)  # square, so the skip can be added to its output
        self.fc3 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h1 = F.relu(self.fc1(x))  # (B, hidden)
        # The skip: add h1 after fc2's activation. A new tensor (not `+=`), because relu's
        # backward needs its own output unchanged.
        h2 = F.relu(self.fc2(h1)) + h1  # (B, hidden)
        return self.fc3(h2)  # (B, out_features), logits
