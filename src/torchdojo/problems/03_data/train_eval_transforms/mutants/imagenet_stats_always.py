"""Normalizes with the ImageNet mean/std constants whatever mean and std were passed."""

import torch
from torchvision.transforms import v2


def build_transforms(size=64, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    head = [v2.RGB(), v2.ToImage()]
    tail = [v2.ToDtype(torch.float32, scale=True),
            v2.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])]
    train = v2.Compose([*head, v2.RandomResizedCrop(size, antialias=True), v2.RandomHorizontalFlip(),
                        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2), *tail])
    evaluate = v2.Compose([*head, v2.Resize(size, antialias=True), v2.CenterCrop(size), *tail])
    return train, evaluate
