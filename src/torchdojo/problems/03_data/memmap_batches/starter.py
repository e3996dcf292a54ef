"""Stream contiguous batches of rows from a memory-mapped .npy file, sharded across workers."""

from collections.abc import Iterator

import numpy as np  # noqa: F401
import torch
from torch.utils.data import IterableDataset, get_worker_info  # noqa: F401


class MemmapBatches(IterableDataset):
    """Batches of ``batch_size`` consecutive rows of a 2-D float32 .npy file (the last may be
    shorter), as float32 tensors of shape (rows, features)."""

    def __init__(self, path: str, batch_size: int) -> None:
        super().__init__()
        # TODO: keep what __iter__ needs (do not open the file here)
        self.path = path
        self.batch_size = batch_size

    def __iter__(self) -> Iterator[torch.Tensor]:
        # TODO: memory-map the file (read-only)
        # TODO: count the batches, including a last partial one
        # TODO: pick this worker's batches with get_worker_info()
        # TODO: yield each batch as a float32 tensor that owns its memory
        raise NotImplementedError
