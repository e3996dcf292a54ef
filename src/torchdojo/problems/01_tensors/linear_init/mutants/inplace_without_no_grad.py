"""Calls Parameter.normal_ / zero_ directly: in-place ops on a leaf that requires grad raise."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    layer.weight.normal_(0.0, std)
    layer.bias.zero_()
    return layer
