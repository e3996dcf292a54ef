"""A sampler that creates a fresh generator seeded with `seed` at every epoch: reproducible, but
every epoch repeats the same permutation."""

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


class _SeededSampler(torch.utils.data.Sampler):
    def __init__(self, n, seed):
        self.n, self.seed = n, seed

    def __len__(self):
        return self.n

    def __iter__(self):
        g = torch.Generator()
        g.manual_seed(self.seed)
        return iter(torch.randperm(self.n, generator=g).tolist())


def make_loader(ds, batch_size, seed, drop_last=False):
    return DataLoader(ds, batch_size=batch_size, sampler=_SeededSampler(len(ds), seed),
                      drop_last=drop_last)
