"""One module-level generator, reseeded by every make_loader call: two loaders built in a row share
it, so the second one's iteration continues the first one's stream."""

import torch
from torch.utils.data import DataLoader, Dataset

_GEN = torch.Generator()


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
    _GEN.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last,
                      generator=_GEN)
