"""trunc_normal_ cut at +-2 std (ViT style): the spread is about 12% below std, tails missing."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    nn.init.trunc_normal_(layer.weight, mean=0.0, std=std, a=-2 * std, b=2 * std)
    nn.init.zeros_(layer.bias)
    return layer
