"""Turns requires_grad off to fill the weight in place and never turns it back on."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    layer.weight.requires_grad_(False)
    layer.weight.normal_(0.0, std)
    nn.init.zeros_(layer.bias)
    return layer
