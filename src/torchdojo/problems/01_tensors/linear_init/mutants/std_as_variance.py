"""Passes std**2 (the variance) where nn.init.normal_ expects the standard deviation."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    nn.init.normal_(layer.weight, mean=0.0, std=std**2)
    nn.init.zeros_(layer.bias)
    return layer
