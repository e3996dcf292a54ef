"""Rounds the block size up with n // W + 1: nothing is lost, but when W divides n the first
worker gets one item too many and the last one too few (10 items: 6 and 4)."""

from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        per = (self.end - self.start) // info.num_workers + 1
        lo = self.start + info.id * per
        return iter(range(lo, min(lo + per, self.end)))
