"""Returns probabilities (softmax over classes) instead of logits."""

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
        h1 = F.relu(self.fc1(x))
        h2 = F.relu(self.fc2(h1)) + h1
        return F.softmax(self.fc3(h2), dim=-1)
