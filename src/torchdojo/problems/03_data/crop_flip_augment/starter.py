"""A CIFAR-style training augmentation: random crop (with padding) and horizontal flip."""

from collections.abc import Callable

import torch  # noqa: F401  (you will need torch.float32)
from torchvision.transforms import v2  # noqa: F401


def build_augment(size: int, p_flip: float = 0.5, padding: int = 0) -> Callable:
    """A v2 pipeline mapping an RGB image to a float32 (3, size, size) tensor in [0, 1]."""
    # TODO: random size x size crop: zero padding of `padding` pixels, and padding for images
    #       smaller than size
    # TODO: horizontal flip with probability p_flip
    # TODO: convert to an image tensor, then to float32 in [0, 1]
    # TODO: chain the four steps with v2.Compose and return the pipeline
    raise NotImplementedError
