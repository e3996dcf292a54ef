"""Seed bug (S000-1): Tensor.numpy() alone raises on a tensor that requires grad."""

import torch


def to_numpy(t):
    return t.numpy()


def from_numpy_shared(a):
    return torch.from_numpy(a)


def copy_from_numpy(a):
    return torch.tensor(a)
