"""Flip before crop: the same distribution, but not the stated order, so a seeded run draws
its random numbers in a different order and differs from the reference."""

import torch
from torchvision.transforms import v2


def build_augment(size, p_flip=0.5, padding=0):
    return v2.Compose([
        v2.RandomHorizontalFlip(p=p_flip),
        v2.RandomCrop(size, padding=padding, pad_if_needed=True),
        v2.ToImage(),
        v2.ToDtype(torch.float32, scale=True),
    ])
