"""Calls .contiguous() before .numpy(): a transposed tensor is copied instead of shared."""

import torch


def to_numpy(t):
    return t.detach().cpu().contiguous().numpy()


def from_numpy_shared(a):
    return torch.from_numpy(a)


def copy_from_numpy(a):
    return torch.tensor(a)
