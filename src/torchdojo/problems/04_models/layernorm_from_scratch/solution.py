"""Layer normalisation written by hand, equal to nn.LayerNorm.

Each sample is normalised on its own, over its last len(normalized_shape) axes (the features of
one token, say). Nothing is shared across the batch, so there are no running statistics and train
and eval mode compute the same thing; a batch of one works as well as a batch of a thousand.
"""

import torch
from torch import nn


class MyLayerNorm(nn.Module):
    def __init__(self, normalized_shape: int | tuple[int, ...], eps: float = 1e-5,
                 elementwise_affine: bool = True) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)  # 8 means (8,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            # one scale and one shift per normalised element, shape normalized_shape
            self.weight = nn.Parameter(torch.ones(self.normalized_shape))
            self.bias = nn.Parameter(torch.zeros(self.normalized_shape))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (*, *normalized_shape); statistics over the trailing len(normalized_shape) axes
        dims = tuple(range(-len(self.normalized_shape), 0))
        mean = x.mean(dim=dims, keepdim=True)  # (*, 1, ..., 1)
        xc = x - mean  # centre first: the variance of centred values is accurate
        var = xc.pow(2).mean(dim=dims, keepdim=True)  # biased variance, divide by n
        y = xc * torch.rsqrt(var + self.eps)  # (*, *normalized_shape)
        if self.elementwise_affine:
            y = y * self.weight + self.bias  # broadcast over the leading axes
        return y
