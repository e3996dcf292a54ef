"""Seed bug (S000-19): torch.save of the whole torchvision Dataset objects. Since PyTorch 2.6
torch.load defaults to weights_only=True and refuses them (UnpicklingError); such a file also
depends on torchvision's class layout and can run code when unpickled."""

import torch
import torchvision
from torch.utils.data import TensorDataset


def save_mnist_tensors(root, out_path):
    train = torchvision.datasets.MNIST(root, train=True, download=False)
    test = torchvision.datasets.MNIST(root, train=False, download=False)
    torch.save({"train": train, "test": test}, out_path)


def load_mnist_tensors(path, train=True):
    dataset = torch.load(path)["train" if train else "test"]
    return TensorDataset(dataset.data, dataset.targets)
