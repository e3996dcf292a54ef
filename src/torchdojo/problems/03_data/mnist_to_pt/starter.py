"""Save MNIST as a plain dict of tensors with torch.save, and load it back safely."""

import torch  # noqa: F401 - for your code
import torchvision  # noqa: F401 - for your code
from torch.utils.data import TensorDataset


def save_mnist_tensors(root: str, out_path: str) -> None:
    """Read both MNIST splits from ``root`` (IDX files in root/MNIST/raw) and save
    {'train_images', 'train_labels', 'test_images', 'test_labels'} to ``out_path``."""
    # TODO: read each split with torchvision.datasets.MNIST(root, train=..., download=False)
    # TODO: keep the images uint8 (N, 28, 28) and the labels int64 (N,)
    # TODO: torch.save a plain dict of those four tensors (not the Dataset objects)
    raise NotImplementedError


def load_mnist_tensors(path: str, train: bool = True) -> TensorDataset:
    """The train (or test) split saved by save_mnist_tensors, as a TensorDataset of
    (image uint8 (28, 28), label int64 ()) pairs."""
    # TODO: torch.load with weights_only=True, pick the split, wrap it in a TensorDataset
    raise NotImplementedError
