"""CenterCrop instead of RandomCrop: the crop never moves (and padding is ignored)."""

import torch
from torchvision.transforms import v2


def build_augment(size, p_flip=0.5, padding=0):
    return v2.Compose([
        v2.CenterCrop(size),
        v2.RandomHorizontalFlip(p=p_flip),
        v2.ToImage(),
        v2.ToDtype(torch.float32, scale=True),
    ])
