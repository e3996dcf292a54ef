"""Shuffles the training set once, when the loader is built (a fixed permuted index list as sampler): every epoch then repeats the same order."""

import torch
import torchvision
from torch.utils.data import DataLoader, Dataset
from torchvision.transforms import v2


def channel_stats(dataset: Dataset) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and std, float32 (3,), over all pixels of all images in ``dataset``.

    Items are (image, label) with image a float tensor (3, H, W) on the [0, 1] scale.
    """
    total = torch.zeros(3, dtype=torch.float64)  # sum of x per channel
    total_sq = torch.zeros(3, dtype=torch.float64)  # sum of x^2 per channel
    count = 0  # values seen per channel
    for image, _ in dataset:
        x = image.to(torch.float64).flatten(1)  # (3, H*W): one row per channel
        total += x.sum(dim=1)
        total_sq += (x * x).sum(dim=1)
        count += x.shape[1]
    # One mean and one std over every pixel: Var = E[x^2] - E[x]^2, in float64 so the
    # subtraction loses nothing that float32 would show.
    mean = total / count  # (3,)
    std = (total_sq / count - mean**2).sqrt()  # (3,) population std
    return mean.float(), std.float()


def cifar10_loaders(root: str, batch_size: int,
                    dataset_cls: type = torchvision.datasets.CIFAR10,
                    ) -> tuple[DataLoader, DataLoader]:
    """(train_loader, test_loader) over the CIFAR-10 files under ``root``, normalised with the
    training set's channel statistics; the train loader reshuffles every epoch."""
    # PIL image (32, 32, 3) uint8 -> tensor (3, 32, 32) float32 in [0, 1].
    to_float = [v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]

    # 1. Measure the statistics on the training split only: the test set stays unseen.
    plain_train = dataset_cls(root, train=True, download=False, transform=v2.Compose(to_float))
    mean, std = channel_stats(plain_train)  # (3,), (3,)

    # 2. The same files, now normalised: (x - mean) / std per channel.
    normalize = v2.Compose([*to_float, v2.Normalize(mean.tolist(), std.tolist())])
    train_set = dataset_cls(root, train=True, download=False, transform=normalize)
    test_set = dataset_cls(root, train=False, download=False, transform=normalize)

    # 3. Shuffle for training; keep the test set in file order.
    order = torch.randperm(len(train_set)).tolist()  # drawn once
    train_loader = DataLoader(train_set, batch_size=batch_size, sampler=order)
    test_loader = DataLoader(test_set, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader
