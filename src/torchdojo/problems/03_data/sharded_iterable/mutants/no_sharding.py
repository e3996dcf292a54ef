"""Seed bug (S000-18): no sharding. Every DataLoader worker iterates the whole range, so with
num_workers=2 every item comes twice."""

from torch.utils.data import IterableDataset


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))
