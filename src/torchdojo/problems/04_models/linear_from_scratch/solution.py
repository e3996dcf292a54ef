"""nn.Linear written by hand: two Parameters, torch's default initialisation, x @ W.T + b.

The weight is stored (out_features, in_features), so each output is a row; the forward
multiplies by its transpose. kaiming_uniform_ with a=sqrt(5) gives U(-1/sqrt(in), 1/sqrt(in)),
and the bias is drawn from the same range, weight first: under the same seed the values equal
nn.Linear's.
"""

import math

import torch
from torch import nn


class MyLinear(nn.Module):
    """y = x @ weight.T + bias on inputs of shape (..., in_features)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        # Uninitialised storage: torch.empty draws nothing from the generator.
        self.weight = nn.Parameter(torch.empty(out_features, in_features))  # (out, in)
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features))  # (out,)
        else:
            # A registered but empty slot, as in nn.Linear: self.bias is None.
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # In place (nn.init works under no_grad): the Parameter objects an optimizer holds stay.
        # a=sqrt(5): gain sqrt(2 / (1 + 5)), bound gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in).
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # matmul broadcasts over the leading dims: (..., in) @ (in, out) -> (..., out);
        # a 1-D x is treated as a single row. Strided (non-contiguous) inputs are fine.
        y = x @ self.weight.T
        if self.bias is not None:
            y = y + self.bias  # (out,) broadcasts over the leading dims
        return y
