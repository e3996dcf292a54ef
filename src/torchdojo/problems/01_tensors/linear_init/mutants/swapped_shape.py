"""Swaps in_features and out_features: weight (in, out) instead of (out, in)."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(out_features, in_features)
    nn.init.normal_(layer.weight, mean=0.0, std=std)
    nn.init.zeros_(layer.bias)
    return layer
