"""Training and evaluation image pipelines with torchvision.transforms.v2.

    train: RGB -> ToImage -> RandomResizedCrop -> RandomHorizontalFlip -> ColorJitter
           -> ToDtype(float32, scale=True) -> Normalize          random: augments every call
    eval:  RGB -> ToImage -> Resize -> CenterCrop
           -> ToDtype(float32, scale=True) -> Normalize          deterministic

Both take a PIL image of any mode or a uint8 (1 or 3, H, W) tensor and return a float32
(3, size, size) tensor normalised per channel.
"""

from collections.abc import Callable, Sequence

import torch
from torchvision.transforms import v2

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def build_transforms(
    size: int = 64,
    mean: Sequence[float] = IMAGENET_MEAN,
    std: Sequence[float] = IMAGENET_STD,
) -> tuple[Callable, Callable]:
    """The (train, eval) pipelines mapping an image to a normalised float32 (3, size, size)."""
    to_rgb_tensor = [
        # Grayscale ("L"), palette ("P") and RGBA images become 3-channel RGB; so do
        # (1, H, W) tensors.
        v2.RGB(),
        # PIL image -> uint8 image tensor (3, H, W): the rest runs on tensors, whatever the input.
        v2.ToImage(),
    ]
    to_float_normalised = [
        # uint8 0..255 -> float32 0..1.
        v2.ToDtype(torch.float32, scale=True),
        # (x - mean) / std per channel, on the 0..1 scale.
        v2.Normalize(mean=list(mean), std=list(std)),
    ]
    train = v2.Compose([
        *to_rgb_tensor,
        # A random region (8%..100% of the area, aspect 3/4..4/3) resized to (3, size, size).
        v2.RandomResizedCrop(size, antialias=True),
        # Mirror left-right half of the time.
        v2.RandomHorizontalFlip(p=0.5),
        # Random brightness, contrast and saturation factors in [0.8, 1.2], in random order.
        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
        *to_float_normalised,
    ])
    evaluate = v2.Compose([
        *to_rgb_tensor,
        # Shorter side -> size, aspect ratio kept: (3, size, W') or (3, H', size).
        v2.Resize(size, antialias=True),
        # The central size x size window: (3, size, size).
        v2.CenterCrop(size),
        *to_float_normalised,
    ])
    return train, evaluate
