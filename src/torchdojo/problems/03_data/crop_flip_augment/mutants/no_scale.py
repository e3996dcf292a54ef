"""ToDtype without scale=True: float32 values 0..255 instead of 0..1."""

import torch
from torchvision.transforms import v2


def build_augment(size, p_flip=0.5, padding=0):
    return v2.Compose([
        v2.RandomCrop(size, padding=padding, pad_if_needed=True),
        v2.RandomHorizontalFlip(p=p_flip),
        v2.ToImage(),
        v2.ToDtype(torch.float32),
    ])
