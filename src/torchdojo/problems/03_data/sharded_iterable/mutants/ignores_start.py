"""The shards are computed from 0 instead of from `start`: right for range(0, n), wrong otherwise."""

import math

from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        per_worker = math.ceil((self.end - self.start) / info.num_workers)
        lo = info.id * per_worker
        return iter(range(lo, min(lo + per_worker, self.end)))
