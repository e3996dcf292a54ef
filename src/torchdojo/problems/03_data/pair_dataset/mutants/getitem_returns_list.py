"""__getitem__ returns [data[i], labels[i]], a list, instead of the promised (data[i], labels[i])
tuple (the default collate then also gives list batches)."""

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
        return [self.data[i], self.labels[i]]


def make_loader(ds, batch_size, seed, drop_last=False):
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=g)
