"""Applies the weights on the last axis, as if images were (H, W, 3): gives (1, 3, H)."""

import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms.v2 import functional as F


def _to_float_rgb(image):
    if isinstance(image, Image.Image):
        image = F.to_image(image.convert("RGB"))
    return F.to_dtype(image, torch.float32, scale=True).as_subclass(torch.Tensor)


class GrayscaleDataset(Dataset):
    def __init__(self, base):
        self.base = base

    def __len__(self):
        return len(self.base)

    def __getitem__(self, idx):
        image, label = self.base[idx]
        x = _to_float_rgb(image)
        gray = x[..., 0] * 0.299 + x[..., 1] * 0.587 + x[..., 2] * 0.114
        return gray.unsqueeze(0), label
