"""Uniform init scaled to the right std (a = sqrt(3) * std): right spread, wrong shape."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    a = 3**0.5 * std
    nn.init.uniform_(layer.weight, -a, a)
    nn.init.zeros_(layer.bias)
    return layer
