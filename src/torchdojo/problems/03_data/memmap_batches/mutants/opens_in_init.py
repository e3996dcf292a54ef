"""The map is opened in __init__. Under fork the workers inherit it and all is well, but the
dataset object now pickles with the whole array inside: under spawn/forkserver every worker
receives a full copy of the file."""

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info


class MemmapBatches(IterableDataset):
    def __init__(self, path, batch_size):
        super().__init__()
        self.data = np.load(path, mmap_mode="r")
        self.batch_size = batch_size

    def __iter__(self):
        num_batches = -(-self.data.shape[0] // self.batch_size)
        info = get_worker_info()
        first, step = (0, 1) if info is None else (info.id, info.num_workers)
        for b in range(first, num_batches, step):
            lo = b * self.batch_size
            yield torch.from_numpy(np.array(self.data[lo : lo + self.batch_size]))
