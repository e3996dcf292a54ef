"""Narrows self.start/self.end to the worker's share inside __iter__: the first pass is right, but
a second pass in the same worker (persistent workers, a second epoch) shards the share again."""

import math

from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is not None:
            per = math.ceil((self.end - self.start) / info.num_workers)
            lo = self.start + info.id * per
            self.start, self.end = lo, min(lo + per, self.end)
        return iter(range(self.start, self.end))
