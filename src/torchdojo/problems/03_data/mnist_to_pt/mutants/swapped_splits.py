"""train/test swapped while saving: MNIST(train=False) is the 10 000-image t10k split, and it
ends up under the train_* keys."""

import torch
import torchvision
from torch.utils.data import TensorDataset


def save_mnist_tensors(root, out_path):
    tensors = {}
    for split, train in (("train", False), ("test", True)):
        dataset = torchvision.datasets.MNIST(root, train=train, download=False)
        tensors[f"{split}_images"] = dataset.data.clone()
        tensors[f"{split}_labels"] = dataset.targets.long()
    torch.save(tensors, out_path)


def load_mnist_tensors(path, train=True):
    tensors = torch.load(path, weights_only=True)
    split = "train" if train else "test"
    return TensorDataset(tensors[f"{split}_images"], tensors[f"{split}_labels"])
