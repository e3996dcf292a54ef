"""Shards with numpy.array_split: even and disjoint, but the items are numpy.int64 scalars, not
Python ints (a DataLoader's collate hides it, iterating the dataset directly does not)."""

import numpy as np
from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        items = np.arange(self.start, self.end)
        info = get_worker_info()
        if info is not None:
            items = np.array_split(items, info.num_workers)[info.id]
        return iter(items)
