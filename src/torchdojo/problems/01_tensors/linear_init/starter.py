"""An nn.Linear layer initialised the GPT-2 way: weight ~ N(0, std^2), bias = 0."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    """A Linear layer (weight (out, in), bias (out,)) with weight ~ N(0, std^2) and zero bias."""
    layer = nn.Linear(in_features, out_features)
    # TODO: initialise layer.weight from N(0, std^2) with torch.nn.init
    # TODO: set layer.bias to zero
    return layer
