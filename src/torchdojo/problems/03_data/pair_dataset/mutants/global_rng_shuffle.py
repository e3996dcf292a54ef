"""Shuffles with shuffle=True and no generator: every order is drawn from the global RNG, so two
loaders made with the same seed give different orders (the seed's own code had no generator).
Seeding the global RNG inside make_loader would not help either: the draw happens at iteration."""

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
    return DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last)
