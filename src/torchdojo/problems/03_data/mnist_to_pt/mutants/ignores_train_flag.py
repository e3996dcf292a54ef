"""load_mnist_tensors always returns the training split: train=False is ignored."""

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
    tensors = torch.load(path, weights_only=True)
    return TensorDataset(tensors["train_images"], tensors["train_labels"])
