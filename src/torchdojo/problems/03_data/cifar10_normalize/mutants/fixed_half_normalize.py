"""Seed bug (S000-14): Normalize((0.5,)*3, (0.5,)*3) hard-coded. It maps [0, 1] to [-1, 1], but
it is not the data's statistics: the result is neither zero-mean nor unit-variance."""

import torch
import torchvision
from torch.utils.data import DataLoader
from torchvision.transforms import v2


def channel_stats(dataset):
    x = torch.stack([image for image, _ in dataset]).double()  # (N, 3, H, W)
    return (x.mean(dim=(0, 2, 3)).float(),
            x.std(dim=(0, 2, 3), correction=0).float())


def cifar10_loaders(root, batch_size, dataset_cls=torchvision.datasets.CIFAR10):
    normalize = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True),
                            v2.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    train = dataset_cls(root, train=True, download=False, transform=normalize)
    test = dataset_cls(root, train=False, download=False, transform=normalize)
    return (DataLoader(train, batch_size=batch_size, shuffle=True),
            DataLoader(test, batch_size=batch_size, shuffle=False))
