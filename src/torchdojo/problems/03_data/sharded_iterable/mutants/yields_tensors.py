"""Iterates torch.arange instead of range: the items are 0-d int64 tensors, not Python ints (a
DataLoader's collate hides it, iterating the dataset directly does not)."""

import math

import torch
from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        lo, hi = self.start, self.end
        info = get_worker_info()
        if info is not None:
            per = math.ceil((hi - lo) / info.num_workers)
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        return iter(torch.arange(lo, max(lo, hi)))
