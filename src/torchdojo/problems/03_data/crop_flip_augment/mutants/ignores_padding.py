"""Drops the padding argument: no zero border, the CIFAR recipe's shifts are lost."""

import torch
from torchvision.transforms import v2


def build_augment(size, p_flip=0.5, padding=0):
    return v2.Compose([
        v2.RandomCrop(size, pad_if_needed=True),
        v2.RandomHorizontalFlip(p=p_flip),
        v2.ToImage(),
        v2.ToDtype(torch.float32, scale=True),
    ])
