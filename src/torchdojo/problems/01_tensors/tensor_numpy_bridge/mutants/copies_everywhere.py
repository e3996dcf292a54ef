"""Copies where memory must be shared: values right, sharing wrong."""

import torch


def to_numpy(t):
    return t.detach().clone().numpy()


def from_numpy_shared(a):
    return torch.tensor(a)


def copy_from_numpy(a):
    return torch.tensor(a)
