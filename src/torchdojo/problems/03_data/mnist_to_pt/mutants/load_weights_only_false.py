"""Loads with torch.load(weights_only=False): works on this file, but would also unpickle (and
run) arbitrary objects from an untrusted one instead of refusing it."""

import torch
import torchvision
from torch.utils.data import TensorDataset


def save_mnist_tensors(root, out_path):
    tensors = {}
    for split, train in (("train", True), ("test", False)):
        dataset = torchvision.datasets.MNIST(root, train=train, download=False)
        tensors[f"{split}_images"] = dataset.data.clone()
        tensors[f"{split}_labels"] = dataset.targets.long()
    torch.save(tensors, out_path)


def load_mnist_tensors(path, train=True):
    tensors = torch.load(path, weights_only=False)
    split = "train" if train else "test"
    return TensorDataset(tensors[f"{split}_images"], tensors[f"{split}_labels"])
