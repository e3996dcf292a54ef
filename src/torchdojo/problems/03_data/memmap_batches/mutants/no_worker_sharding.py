"""No sharding: every DataLoader worker reads every batch, so with num_workers=2 each row comes
twice."""

import numpy as np
import torch
from torch.utils.data import IterableDataset


class MemmapBatches(IterableDataset):
    def __init__(self, path, batch_size):
        super().__init__()
        self.path, self.batch_size = path, batch_size

    def __iter__(self):
        data = np.load(self.path, mmap_mode="r")
        for lo in range(0, data.shape[0], self.batch_size):
            yield torch.from_numpy(np.array(data[lo : lo + self.batch_size]))
