"""Seed bug (S000-15): converts every image up front in __init__ (50,000 images for CIFAR-10),
reading the whole base dataset before anyone asks for an item."""

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
        w = torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)
        self.items = []
        for i in range(len(base)):
            image, label = base[i]
            self.items.append(((_to_float_rgb(image) * w).sum(dim=0, keepdim=True), label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]
