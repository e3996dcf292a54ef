"""torch.rand instead of torch.randn: uniform noise on [0, 1), not Gaussian."""

import torch


class AddGaussianNoise:
    def __init__(self, mean=0.0, std=1.0, generator=None):
        self.mean = mean
        self.std = std
        self.generator = generator

    def __call__(self, x):
        z = torch.rand(x.shape, generator=self.generator, dtype=x.dtype, device=x.device)
        return x + z * self.std + self.mean

    def __repr__(self):
        return f"AddGaussianNoise(mean={self.mean}, std={self.std})"
