"""Uniform init in [-std, std] instead of a normal distribution."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    nn.init.uniform_(layer.weight, -std, std)
    nn.init.zeros_(layer.bias)
    return layer
