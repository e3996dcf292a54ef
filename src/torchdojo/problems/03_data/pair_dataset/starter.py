"""A map-style Dataset over (data, labels) tensors and a reproducibly shuffling DataLoader."""

import torch
from torch.utils.data import DataLoader, Dataset


class PairDataset(Dataset):
    """Sample i is the pair ``(data[i], labels[i])``."""

    def __init__(self, data: torch.Tensor, labels: torch.Tensor) -> None:
        # TODO: raise ValueError when data and labels have different first dimensions
        self.data = data
        self.labels = labels

    def __len__(self) -> int:
        # TODO: the number of samples
        raise NotImplementedError

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        # TODO: return the pair for index i (negative indices count from the end)
        raise NotImplementedError


def make_loader(ds: Dataset, batch_size: int, seed: int, drop_last: bool = False) -> DataLoader:
    """A DataLoader that reshuffles every epoch, in an order fixed by ``seed``."""
    # TODO: shuffle with a torch.Generator of the loader's own, seeded with `seed`
    raise NotImplementedError
