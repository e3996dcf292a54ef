"""Draws the order with RandomSampler(replacement=True): seeded and reshuffled, but an epoch repeats
some samples and skips others instead of being a permutation."""

import torch
from torch.utils.data import DataLoader, Dataset, RandomSampler


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
    g = torch.Generator()
    g.manual_seed(seed)
    sampler = RandomSampler(ds, replacement=True, generator=g)
    return DataLoader(ds, batch_size=batch_size, sampler=sampler, drop_last=drop_last)
