"""np.load without mmap_mode: the whole file is read into memory at every pass."""

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info


class MemmapBatches(IterableDataset):
    def __init__(self, path, batch_size):
        super().__init__()
        self.path, self.batch_size = path, batch_size

    def __iter__(self):
        data = np.load(self.path)
        num_batches = -(-data.shape[0] // self.batch_size)
        info = get_worker_info()
        first, step = (0, 1) if info is None else (info.id, info.num_workers)
        for b in range(first, num_batches, step):
            lo = b * self.batch_size
            yield torch.from_numpy(np.array(data[lo : lo + self.batch_size]))
