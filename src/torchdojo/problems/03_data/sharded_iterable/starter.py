"""An IterableDataset over the integers in [start, end) that shards itself across DataLoader workers."""

from collections.abc import Iterator

from torch.utils.data import IterableDataset, get_worker_info  # noqa: F401


class ShardedRange(IterableDataset):
    """The ints start, start + 1, ..., end - 1; each DataLoader worker yields a disjoint block."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__()
        # TODO: remember the bounds
        self.start = start
        self.end = end

    def __iter__(self) -> Iterator[int]:
        # TODO: ask get_worker_info() which worker this copy runs in (None: the main process)
        # TODO: keep only this worker's share of [start, end), and return an iterator over it
        raise NotImplementedError
