"""Reproducible randomness: one seed for the main process, a derived seed for each DataLoader worker.

A DataLoader with num_workers > 0 forks worker processes; each starts with a copy of the parent's
memory, random generators included. PyTorch seeds every worker's torch RNG (and, since 1.9,
Python's `random` and NumPy's global RNG) with base_seed + worker_id, where base_seed is drawn
from the loader's generator at every epoch. Generators the dataset owns are copied as they are,
so every worker would replay the same stream: seed_worker gives each worker's copy its own.
"""

import random

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, get_worker_info


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and torch's global generators; ask cuDNN for determinism."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    # No effect on CPU; on a GPU, pick deterministic kernels and no autotuning.
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def seed_worker(worker_id: int) -> None:
    """DataLoader ``worker_init_fn``: seed this worker's generators from its torch seed."""
    # Inside a worker torch.initial_seed() is base_seed + worker_id: different for every worker
    # and every epoch, yet fixed by the loader's generator. NumPy wants 32 bits.
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)
    # The dataset's own generator was copied from the parent, identical in every worker.
    info = get_worker_info()  # None when called outside a worker
    if info is not None and isinstance(getattr(info.dataset, "rng", None), np.random.Generator):
        info.dataset.rng = np.random.default_rng(seed)


def make_loader(ds: Dataset, batch_size: int, seed: int, num_workers: int = 2) -> DataLoader:
    """A shuffling multi-process loader whose order and worker seeds depend on ``seed`` only."""
    # The generator fixes the shuffling and each epoch's base_seed for the workers.
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, num_workers=num_workers,
                      worker_init_fn=seed_worker, generator=g)
