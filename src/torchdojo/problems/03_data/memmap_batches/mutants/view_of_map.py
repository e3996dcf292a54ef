"""torch.from_numpy on the memmap slice, no copy: the tensor aliases a read-only map (PyTorch
warns that the array is not writable; writing into the batch would crash)."""

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info


class MemmapBatches(IterableDataset):
    def __init__(self, path, batch_size):
        super().__init__()
        self.path, self.batch_size = path, batch_size

    def __iter__(self):
        data = np.load(self.path, mmap_mode="r")
        num_batches = -(-data.shape[0] // self.batch_size)
        info = get_worker_info()
        first, step = (0, 1) if info is None else (info.id, info.num_workers)
        for b in range(first, num_batches, step):
            lo = b * self.batch_size
            yield torch.from_numpy(data[lo : lo + self.batch_size])
