"""The seed document's wiring: the skip carries fc1's output before its ReLU, and fc2 has no ReLU: fc3(fc2(relu(fc1 x)) + fc1 x)."""

import torch
import torch.nn.functional as F
from torch import nn


class SkipMLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip = self.fc1(x)
        h = self.fc2(F.relu(skip))
        return self.fc3(h + skip)
