"""No validation in __init__: mismatched data and labels are accepted, and fail (or silently
truncate) later, in the middle of an epoch."""

import torch
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    def __init__(self, data, labels):
        self.data, self.labels = data, labels

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, i):
        return self.data[i], self.labels[i]


def make_loader(ds, batch_size, seed, drop_last=False):
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=g)
