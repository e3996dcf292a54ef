"""Switches the caller's tensor to requires_grad=False so that .numpy() stops complaining."""

import torch


def to_numpy(t):
    if t.requires_grad:
        t.requires_grad_(False)
    return t.numpy()


def from_numpy_shared(a):
    return torch.from_numpy(a)


def copy_from_numpy(a):
    return torch.tensor(a)
