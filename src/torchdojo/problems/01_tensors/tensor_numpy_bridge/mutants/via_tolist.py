"""Copies through a Python list: the array's dtype is lost (float64 -> float32, int32 -> int64)."""

import torch


def to_numpy(t):
    return t.detach().cpu().numpy()


def from_numpy_shared(a):
    return torch.from_numpy(a)


def copy_from_numpy(a):
    return torch.tensor(a.tolist())
