"""Labels kept as an (N, 1) column: each item's label has shape (1,) instead of (), and
cross-entropy on a batch of them fails."""


import torch
import torchvision
from torch.utils.data import TensorDataset


def save_mnist_tensors(root: str, out_path: str) -> None:
    """Read both MNIST splits from ``root`` (IDX files in root/MNIST/raw) and save
    {'train_images', 'train_labels', 'test_images', 'test_labels'} to ``out_path``."""
    tensors = {}
    for split, train in (("train", True), ("test", False)):
        dataset = torchvision.datasets.MNIST(root, train=train, download=False)
        # .data and .targets already hold the whole split as tensors; no per-item loop.
        # clone(): a compact copy rather than a view into the file's read buffer.
        tensors[f"{split}_images"] = dataset.data.clone()  # (N, 28, 28) uint8
        tensors[f"{split}_labels"] = dataset.targets.to(torch.int64).unsqueeze(1)  # (N, 1)
    # A dict of tensors: nothing in the file but tensor data and plain containers.
    torch.save(tensors, out_path)


def load_mnist_tensors(path: str, train: bool = True) -> TensorDataset:
    """The train (or test) split saved by save_mnist_tensors, as a TensorDataset of
    (image uint8 (28, 28), label int64 ()) pairs."""
    # weights_only=True: only tensors and plain containers are unpickled; anything else
    # (a pickled Dataset, an arbitrary object) raises pickle.UnpicklingError.
    tensors = torch.load(path, weights_only=True)
    split = "train" if train else "test"
    return TensorDataset(tensors[f"{split}_images"], tensors[f"{split}_labels"])
