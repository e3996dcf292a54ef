"""Forces float32, losing the array's dtype."""

import torch


def to_numpy(t):
    return t.detach().cpu().numpy()


def from_numpy_shared(a):
    return torch.from_numpy(a).float()


def copy_from_numpy(a):
    return torch.tensor(a, dtype=torch.float32)
