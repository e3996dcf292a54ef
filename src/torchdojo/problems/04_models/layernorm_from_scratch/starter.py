"""Layer normalisation written by hand, equal to nn.LayerNorm."""

import torch
from torch import nn


class MyLayerNorm(nn.Module):
    def __init__(self, normalized_shape: int | tuple[int, ...], eps: float = 1e-5,
                 elementwise_affine: bool = True) -> None:
        super().__init__()
        # TODO: store normalized_shape as a tuple (an int n means (n,))
        self.normalized_shape = normalized_shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        # TODO: parameters weight (ones) and bias (zeros) of shape normalized_shape, or None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Normalise every sample over its last len(normalized_shape) axes."""
        # TODO: mean and biased variance over the trailing axes (keepdim), from centred values
        # TODO: (x - mean) / sqrt(var + eps), then weight and bias elementwise
        raise NotImplementedError
