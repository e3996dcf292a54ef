"""Only uint8 is converted: a float64/float16 image keeps its dtype instead of becoming float32."""

from typing import Any

import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms.v2 import functional as F

# BT.601 luma weights for R, G, B.
_WEIGHTS = torch.tensor([0.299, 0.587, 0.114])  # (3,)


def _to_float_rgb(image: Any) -> torch.Tensor:
    """A (3, H, W) float32 tensor from a PIL image or a (3, H, W) uint8/float tensor."""
    if isinstance(image, Image.Image):
        image = F.to_image(image.convert("RGB"))  # (3, H, W) uint8
    # uint8 is scaled to [0, 1]; a float tensor keeps its values (only the dtype changes).
    x = image if image.is_floating_point() else F.to_dtype(image, torch.float32, scale=True)
    return x.as_subclass(torch.Tensor)  # a plain tensor, not a tv_tensors.Image


class GrayscaleDataset(Dataset):
    """Wraps a dataset of (image, label); item i is (Tensor (1, H, W) float32, the same label)."""

    def __init__(self, base: Dataset) -> None:
        # Only keep a reference: reading the base dataset here would load every image up front.
        self.base = base

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, idx: int) -> tuple[torch.Tensor, Any]:
        # One read of the base dataset per access.
        image, label = self.base[idx]
        x = _to_float_rgb(image)  # (3, H, W)
        # Weighted sum over the channel axis (dim 0), keeping it as a size-1 axis.
        gray = (x * _WEIGHTS.view(3, 1, 1)).sum(dim=0, keepdim=True)  # (1, H, W)
        return gray, label
