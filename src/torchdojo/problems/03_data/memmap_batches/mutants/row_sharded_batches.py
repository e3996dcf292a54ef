"""Shards rows before batching: worker k takes the rows [k*N/W, (k+1)*N/W) and batches
them from there, so batches are not aligned to multiples of batch_size and there are more partial
batches than one."""


from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info


class MemmapBatches(IterableDataset):
    """Batches of ``batch_size`` consecutive rows of a 2-D float32 .npy file (the last may be
    shorter), as float32 tensors of shape (rows, features)."""

    def __init__(self, path: str, batch_size: int) -> None:
        super().__init__()
        # Only the path: the map is opened in __iter__, in whichever process iterates, so the
        # dataset object stays tiny when it is pickled to spawn/forkserver workers.
        self.path = path
        self.batch_size = batch_size

    def __iter__(self) -> Iterator[torch.Tensor]:
        data = np.load(self.path, mmap_mode="r")  # (N, F) read-only map; nothing is read yet
        n = data.shape[0]
        num_batches = -(-n // self.batch_size)  # ceil(N / B): the last batch may be partial
        # Worker k of W takes batches k, k + W, k + 2W, ...; the main process takes them all.
        info = get_worker_info()
        start, stop = (0, n) if info is None else (
            info.id * n // info.num_workers, (info.id + 1) * n // info.num_workers)
        del num_batches
        for lo in range(start, stop, self.batch_size):
            rows = data[lo : min(lo + self.batch_size, stop)]
            # np.array copies the slice into ordinary writable memory (reading those pages);
            # a tensor made straight from the read-only map would warn and alias the file.
            yield torch.from_numpy(np.array(rows, dtype=np.float32))  # (B, F)
