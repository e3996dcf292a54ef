"""Calls torch.manual_seed(seed) in make_loader instead of giving the loader a generator: the order
then depends on whatever else consumed the global RNG between building and iterating."""

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
        return self.data[i], self.labels[i]


def make_loader(ds, batch_size, seed, drop_last=False):
    torch.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last)
