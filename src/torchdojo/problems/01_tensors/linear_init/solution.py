"""An nn.Linear layer initialised the GPT-2 way: weight ~ N(0, std^2), bias = 0."""

from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    """A Linear layer (weight (out, in), bias (out,)) with weight ~ N(0, std^2) and zero bias."""
    # nn.Linear stores the weight as (out_features, in_features) and the bias as (out_features,).
    layer = nn.Linear(in_features, out_features)
    # nn.init functions fill the parameters in place under no_grad, so they stay leaf Parameters
    # that require grad. normal_ takes the standard deviation, not the variance.
    nn.init.normal_(layer.weight, mean=0.0, std=std)  # (out, in)
    nn.init.zeros_(layer.bias)  # (out,)
    return layer

