"""Passes std as the second positional argument of normal_, which is the mean (std stays 1)."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    nn.init.normal_(layer.weight, std)
    nn.init.zeros_(layer.bias)
    return layer
