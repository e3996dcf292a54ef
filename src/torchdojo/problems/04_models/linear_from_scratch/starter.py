"""nn.Linear written by hand: two Parameters, torch's default initialisation, x @ W.T + b."""

import math  # noqa: F401 - for math.sqrt(5)

import torch
from torch import nn


class MyLinear(nn.Module):
    """y = x @ weight.T + bias on inputs of shape (..., in_features)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        # TODO: store in_features and out_features
        # TODO: self.weight = nn.Parameter of shape (out_features, in_features)
        # TODO: self.bias = nn.Parameter of shape (out_features,), or register_parameter("bias", None)
        # TODO: call self.reset_parameters()
        raise NotImplementedError

    def reset_parameters(self) -> None:
        # TODO: weight with kaiming_uniform_(a=math.sqrt(5)), then bias from U(-1/sqrt(in), 1/sqrt(in))
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: x @ W.T (+ bias), for any number of leading dimensions
        raise NotImplementedError
