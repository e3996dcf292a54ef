"""The 'copy' shares memory with the array (as_tensor / from_numpy do not copy)."""

import torch


def to_numpy(t):
    return t.detach().cpu().numpy()


def from_numpy_shared(a):
    return torch.from_numpy(a)


def copy_from_numpy(a):
    return torch.as_tensor(a)
