"""CIFAR-10 loaders normalised with per-channel statistics measured on the training set."""

import torch
import torchvision
from torch.utils.data import DataLoader, Dataset
from torchvision.transforms import v2  # noqa: F401 - for your transforms


def channel_stats(dataset: Dataset) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and std, float32 (3,), over all pixels of all images in ``dataset``.

    Items are (image, label) with image a float tensor (3, H, W) on the [0, 1] scale.
    """
    # TODO: accumulate per-channel sums over every pixel of every image
    # TODO: return (mean, std), float32 tensors of shape (3,), std dividing by the count
    raise NotImplementedError


def cifar10_loaders(root: str, batch_size: int,
                    dataset_cls: type = torchvision.datasets.CIFAR10,
                    ) -> tuple[DataLoader, DataLoader]:
    """(train_loader, test_loader) over the CIFAR-10 files under ``root``, normalised with the
    training set's channel statistics; the train loader reshuffles every epoch."""
    # TODO: build datasets with dataset_cls(root, train=..., download=False, transform=...)
    # TODO: measure channel_stats on the training images (ToImage + ToDtype, no Normalize yet)
    # TODO: normalise train and test with those statistics (v2.Normalize)
    # TODO: return a shuffled train loader and an unshuffled test loader
    raise NotImplementedError
