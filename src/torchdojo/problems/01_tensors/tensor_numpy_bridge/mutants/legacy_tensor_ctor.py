"""The legacy torch.Tensor(a) constructor: float32 always, and it shares a float32 array."""

import torch


def to_numpy(t):
    return t.detach().cpu().numpy()


def from_numpy_shared(a):
    return torch.from_numpy(a)


def copy_from_numpy(a):
    return torch.Tensor(a)
