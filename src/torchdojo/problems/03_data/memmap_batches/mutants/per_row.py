"""Seed approach (S000-24): one item per row. The file is mapped, but the dataset yields (F,)
rows instead of (B, F) batches -- one Python step and one tiny tensor per row."""

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info


class MemmapBatches(IterableDataset):
    def __init__(self, path, batch_size):
        super().__init__()
        self.path, self.batch_size = path, batch_size

    def __iter__(self):
        data = np.load(self.path, mmap_mode="r")
        info = get_worker_info()
        first, step = (0, 1) if info is None else (info.id, info.num_workers)
        for i in range(first, data.shape[0], step):
            yield torch.tensor(data[i])
