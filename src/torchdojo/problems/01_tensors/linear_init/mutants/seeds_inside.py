"""Calls torch.manual_seed inside the function: every layer gets the same weights."""

import torch
from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    torch.manual_seed(0)
    layer = nn.Linear(in_features, out_features)
    nn.init.normal_(layer.weight, mean=0.0, std=std)
    nn.init.zeros_(layer.bias)
    return layer
