"""Batch normalisation written by hand, equal to nn.BatchNorm1d / nn.BatchNorm2d."""

import torch
from torch import nn


class MyBatchNorm(nn.Module):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        # TODO: parameters `weight` (ones) and `bias` (zeros) of shape (num_features,) when
        #       affine, else register them as None
        # TODO: buffers running_mean (zeros), running_var (ones), num_batches_tracked (int64 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Normalise each channel of an (N, C) or (N, C, *) input."""
        # TODO: train mode: batch mean and biased variance over every axis except 1, then update
        #       the running statistics (momentum, unbiased variance) without recording a graph
        # TODO: eval mode: use running_mean / running_var, update nothing
        # TODO: (x - mean) / sqrt(var + eps), then the affine transform
        raise NotImplementedError
