"""Makes every input 3-channel with Grayscale(num_output_channels=3): the shape is right, but
colour images lose their colour."""

import torch
from torchvision.transforms import v2


def build_transforms(size=64, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    head = [v2.Grayscale(num_output_channels=3), v2.ToImage()]
    tail = [v2.ToDtype(torch.float32, scale=True), v2.Normalize(list(mean), list(std))]
    train = v2.Compose([*head, v2.RandomResizedCrop(size, antialias=True), v2.RandomHorizontalFlip(),
                        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2), *tail])
    evaluate = v2.Compose([*head, v2.Resize(size, antialias=True), v2.CenterCrop(size), *tail])
    return train, evaluate
