"""Seed bug (S004-L26): torch.randn(x.size()) ignores the generator (global RNG, not
reproducible per transform) and always draws float32 on the CPU."""

import torch


class AddGaussianNoise:
    def __init__(self, mean=0.0, std=1.0, generator=None):
        self.mean = mean
        self.std = std
        self.generator = generator

    def __call__(self, x):
        noise = torch.randn(x.size()) * self.std + self.mean
        return x + noise

    def __repr__(self):
        return f"AddGaussianNoise(mean={self.mean}, std={self.std})"
