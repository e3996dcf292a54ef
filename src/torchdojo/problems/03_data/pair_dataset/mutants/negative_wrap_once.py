"""Handles negative indices by hand (i += len) and checks only the upper bound: an index below -N
wraps to a negative index again and silently returns a sample instead of raising IndexError."""

import torch
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    def __init__(self, data, labels):
        if data.shape[0] != labels.shape[0]:
            raise ValueError("length mismatch")
        self.data, self.labels = data, labels

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, i):
        if i < 0:
            i += len(self)
        if i >= len(self):
            raise IndexError(i)
        return self.data[i], self.labels[i]


def make_loader(ds, batch_size, seed, drop_last=False):
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=g)
