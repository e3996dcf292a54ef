"""Reads 'zero bias' as 'no bias': nn.Linear(..., bias=False) leaves layer.bias = None."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features, bias=False)
    nn.init.normal_(layer.weight, mean=0.0, std=std)
    return layer
