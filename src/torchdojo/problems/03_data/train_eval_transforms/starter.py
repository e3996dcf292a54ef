"""Training and evaluation image pipelines with torchvision.transforms.v2."""

from collections.abc import Callable, Sequence

import torch  # noqa: F401  (you will need torch.float32)
from torchvision.transforms import v2  # noqa: F401

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def build_transforms(
    size: int = 64,
    mean: Sequence[float] = IMAGENET_MEAN,
    std: Sequence[float] = IMAGENET_STD,
) -> tuple[Callable, Callable]:
    """The (train, eval) pipelines mapping an image to a normalised float32 (3, size, size)."""
    # TODO: both pipelines start by making any input a 3-channel RGB image tensor
    # TODO: train: random resized crop, horizontal flip, color jitter (in the stated order)
    # TODO: eval: resize the shorter side, then crop the centre -- nothing random
    # TODO: both end with a float conversion to [0, 1] and a per-channel Normalize
    raise NotImplementedError
