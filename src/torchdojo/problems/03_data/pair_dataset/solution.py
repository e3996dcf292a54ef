"""A map-style Dataset over (data, labels) tensors and a reproducibly shuffling DataLoader.

A map-style dataset answers two questions, ``len(ds)`` and ``ds[i]``; the DataLoader does the
rest: a sampler picks the order, batches of indices are fetched and collated into tensors.
"""

import torch
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    """Sample i is the pair ``(data[i], labels[i])``."""

    def __init__(self, data: torch.Tensor, labels: torch.Tensor) -> None:
        # Refuse mismatched inputs now rather than with an IndexError halfway through an epoch.
        if data.shape[0] != labels.shape[0]:
            raise ValueError(
                f"data has {data.shape[0]} samples but labels has {labels.shape[0]}")
        self.data = data  # (N, *feature_shape)
        self.labels = labels  # (N, *label_shape)

    def __len__(self) -> int:
        return self.data.shape[0]

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        # Tensor indexing already behaves like a list: -1 is the last sample, and an index
        # outside [-N, N) raises IndexError.
        return self.data[i], self.labels[i]


def make_loader(ds: Dataset, batch_size: int, seed: int, drop_last: bool = False) -> DataLoader:
    """A DataLoader that reshuffles every epoch, in an order fixed by ``seed``."""
    # The loader's own generator: the order depends on `seed` only, not on the global RNG,
    # and the generator advances from epoch to epoch, so every epoch has a new order.
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=g)
