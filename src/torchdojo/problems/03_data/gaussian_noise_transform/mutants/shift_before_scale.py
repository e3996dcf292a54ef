"""Shifts before scaling: (z + mean) * std has mean mean*std, not mean."""

import torch


class AddGaussianNoise:
    def __init__(self, mean=0.0, std=1.0, generator=None):
        self.mean = mean
        self.std = std
        self.generator = generator

    def __call__(self, x):
        z = torch.randn(x.shape, generator=self.generator, dtype=x.dtype, device=x.device)
        return x + (z + self.mean) * self.std

    def __repr__(self):
        return f"AddGaussianNoise(mean={self.mean}, std={self.std})"
