"""Wrong axis: reshape(-1, 3) treats channel-first (N, 3, H, W) data as if it were channel-last,
so each "channel" mixes values of all three colour planes."""

import torch
import torchvision
from torch.utils.data import DataLoader
from torchvision.transforms import v2


def channel_stats(dataset):
    x = torch.stack([image for image, _ in dataset]).double()  # (N, 3, H, W)
    pixels = x.reshape(-1, 3)  # wrong: rows are not (R, G, B) triples
    return pixels.mean(0).float(), pixels.std(0, correction=0).float()


def cifar10_loaders(root, batch_size, dataset_cls=torchvision.datasets.CIFAR10):
    to_float = [v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]
    mean, std = channel_stats(dataset_cls(root, train=True, download=False,
                                          transform=v2.Compose(to_float)))
    normalize = v2.Compose([*to_float, v2.Normalize(mean.tolist(), std.tolist())])
    train = dataset_cls(root, train=True, download=False, transform=normalize)
    test = dataset_cls(root, train=False, download=False, transform=normalize)
    return (DataLoader(train, batch_size=batch_size, shuffle=True),
            DataLoader(test, batch_size=batch_size, shuffle=False))
