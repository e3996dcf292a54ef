"""A lazy dataset wrapper that turns every (image, label) item into (grayscale image, label)."""

from typing import Any

import torch
from PIL import Image  # noqa: F401 - for isinstance(image, Image.Image)
from torch.utils.data import Dataset


class GrayscaleDataset(Dataset):
    """Wraps a dataset of (image, label); item i is (Tensor (1, H, W) float32, the same label).

    The image may be a PIL image (any mode), a (3, H, W) uint8 tensor (0..255) or a (3, H, W)
    float tensor (values used as they are).
    """

    def __init__(self, base: Dataset) -> None:
        # TODO: remember the base dataset (do not read any item here)
        raise NotImplementedError

    def __len__(self) -> int:
        # TODO: as many items as the base dataset
        raise NotImplementedError

    def __getitem__(self, idx: int) -> tuple[torch.Tensor, Any]:
        # TODO: read item idx of the base dataset once
        # TODO: make the image a (3, H, W) float32 tensor (PIL -> RGB; uint8 -> [0, 1])
        # TODO: Y = 0.299 R + 0.587 G + 0.114 B over the channel axis, shape (1, H, W)
        # TODO: return it with the label
        raise NotImplementedError

