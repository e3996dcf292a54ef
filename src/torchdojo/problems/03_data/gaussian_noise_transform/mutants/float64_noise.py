"""Draws the noise in float64: a float32 input comes back as float64."""

import torch


class AddGaussianNoise:
    def __init__(self, mean=0.0, std=1.0, generator=None):
        self.mean = mean
        self.std = std
        self.generator = generator

    def __call__(self, x):
        z = torch.randn(x.shape, generator=self.generator, dtype=torch.float64, device=x.device)
        return x + z * self.std + self.mean

    def __repr__(self):
        return f"AddGaussianNoise(mean={self.mean}, std={self.std})"
