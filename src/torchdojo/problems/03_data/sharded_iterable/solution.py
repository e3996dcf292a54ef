"""An IterableDataset over the integers in [start, end) that shards itself across DataLoader workers.

A DataLoader with num_workers=W gives every worker its own copy of an IterableDataset and calls
iter() on each copy. Without sharding every worker would yield the whole stream, and the loader
would return every item W times. Each copy therefore asks get_worker_info() which worker it runs
in, and keeps only its own contiguous block of the range.
"""

import math
from collections.abc import Iterator

from torch.utils.data import IterableDataset, get_worker_info


class ShardedRange(IterableDataset):
    """The ints start, start + 1, ..., end - 1; each DataLoader worker yields a disjoint block."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__()
        self.start = start
        self.end = end

    def __iter__(self) -> Iterator[int]:
        lo, hi = self.start, self.end
        info = get_worker_info()  # None in the main process (num_workers=0)
        if info is not None:
            # Blocks of ceil(n / W) items: no remainder is lost, sizes differ by at most one
            # for W = 2, and the last blocks may be empty when n < W.
            per_worker = math.ceil((hi - lo) / info.num_workers)
            lo = self.start + info.id * per_worker
            hi = min(lo + per_worker, self.end)
        # A fresh range object per call: every epoch (every iter()) starts from the beginning.
        return iter(range(lo, hi))  # empty when lo >= hi
