"""Eval crops the centre before resizing: the size x size window is cut from the full-resolution
image (a small patch of a large image, padding around a small one) instead of from the resized one."""

import torch
from torchvision.transforms import v2


def build_transforms(size=64, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    head = [v2.RGB(), v2.ToImage()]
    tail = [v2.ToDtype(torch.float32, scale=True), v2.Normalize(list(mean), list(std))]
    train = v2.Compose([*head, v2.RandomResizedCrop(size, antialias=True), v2.RandomHorizontalFlip(),
                        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2), *tail])
    evaluate = v2.Compose([*head, v2.CenterCrop(size), v2.Resize(size, antialias=True), *tail])
    return train, evaluate
