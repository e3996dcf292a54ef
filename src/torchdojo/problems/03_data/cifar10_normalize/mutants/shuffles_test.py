"""Shuffles the test loader too (and not the training one): evaluation order no longer matches
the files, and training sees the same order every epoch."""

import torch
import torchvision
from torch.utils.data import DataLoader
from torchvision.transforms import v2


def channel_stats(dataset):
    x = torch.stack([image for image, _ in dataset]).double()  # (N, 3, H, W)
    return (x.mean(dim=(0, 2, 3)).float(),
            x.std(dim=(0, 2, 3), correction=0).float())


def cifar10_loaders(root, batch_size, dataset_cls=torchvision.datasets.CIFAR10):
    to_float = [v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]
    mean, std = channel_stats(dataset_cls(root, train=True, download=False,
                                          transform=v2.Compose(to_float)))
    normalize = v2.Compose([*to_float, v2.Normalize(mean.tolist(), std.tolist())])
    train = dataset_cls(root, train=True, download=False, transform=normalize)
    test = dataset_cls(root, train=False, download=False, transform=normalize)
    return (DataLoader(train, batch_size=batch_size, shuffle=False),
            DataLoader(test, batch_size=batch_size, shuffle=True))
