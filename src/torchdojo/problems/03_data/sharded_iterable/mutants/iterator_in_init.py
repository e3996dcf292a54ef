"""The iterator is made once in __init__ and handed out by every __iter__: the first pass works,
the second pass over the same dataset (in the main process) is empty."""

import itertools

from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end
        self.items = iter(range(start, end))

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return self.items
        return itertools.islice(self.items, info.id, None, info.num_workers)
