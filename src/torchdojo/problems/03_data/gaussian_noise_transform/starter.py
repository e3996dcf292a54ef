"""A transform that adds Gaussian noise, reproducibly, without touching its input."""

import torch


class AddGaussianNoise:
    """Callable transform (works inside ``transforms.v2.Compose``): x -> x + N(mean, std^2)."""

    def __init__(self, mean: float = 0.0, std: float = 1.0,
                 generator: torch.Generator | None = None) -> None:
        # TODO: keep the parameters (generator None means: use the global RNG)
        raise NotImplementedError

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """A new tensor: x plus noise of x's shape, dtype and device, drawn from the generator."""
        # TODO: draw standard normal values from the generator (x's shape, dtype, device)
        # TODO: scale and shift them to N(mean, std^2), add them to x without modifying x
        raise NotImplementedError

    def __repr__(self) -> str:
        # TODO: AddGaussianNoise(mean=..., std=...)
        raise NotImplementedError
