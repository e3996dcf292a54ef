"""Seed bug (S000-13): RandomCrop without pad_if_needed raises ValueError on images smaller
than the crop size."""

import torch
from torchvision.transforms import v2


def build_augment(size, p_flip=0.5, padding=0):
    return v2.Compose([
        v2.RandomCrop(size, padding=padding),
        v2.RandomHorizontalFlip(p=p_flip),
        v2.ToImage(),
        v2.ToDtype(torch.float32, scale=True),
    ])
