"""Formats the parameters with two decimals in __repr__ (mean=0.50, std=2.00) instead of the values as Python prints them."""

import torch


class AddGaussianNoise:
    """Callable transform (works inside ``transforms.v2.Compose``): x -> x + N(mean, std^2)."""

    def __init__(self, mean: float = 0.0, std: float = 1.0,
                 generator: torch.Generator | None = None) -> None:
        self.mean = mean
        self.std = std
        self.generator = generator  # None: fall back to the global RNG

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        # Standard normal draws in x's own dtype and device, from our generator.
        z = torch.randn(x.shape, generator=self.generator, dtype=x.dtype, device=x.device)
        # Scale first, then shift: N(0, 1) -> N(mean, std^2).
        noise = z * self.std + self.mean
        # Out of place: the caller's tensor is left as it was.
        return x + noise

    def __repr__(self) -> str:
        return f"{type(self).__name__}(mean={self.mean:.2f}, std={self.std:.2f})"
