"""Validates the lengths with assert: a mismatch raises AssertionError (and nothing at all under
python -O) instead of ValueError."""

import torch
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    def __init__(self, data, labels):
        assert data.shape[0] == labels.shape[0], "length mismatch"
        self.data, self.labels = data, labels

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, i):
        return self.data[i], self.labels[i]


def make_loader(ds, batch_size, seed, drop_last=False):
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=g)
