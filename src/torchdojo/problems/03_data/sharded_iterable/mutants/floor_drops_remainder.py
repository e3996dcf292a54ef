"""Blocks of floor(n / W) items: the remainder (the last n mod W items) is never yielded."""

from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        per_worker = (self.end - self.start) // info.num_workers
        lo = self.start + info.id * per_worker
        return iter(range(lo, lo + per_worker))
