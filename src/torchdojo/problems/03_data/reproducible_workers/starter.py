"""Reproducible randomness: one seed for the main process, a derived seed for each DataLoader worker."""

import random  # noqa: F401

import numpy as np  # noqa: F401
import torch  # noqa: F401
from torch.utils.data import DataLoader, Dataset, get_worker_info  # noqa: F401


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and torch's global generators; ask cuDNN for determinism."""
    # TODO: seed random, numpy and torch with `seed`
    # TODO: set torch.backends.cudnn.deterministic = True and benchmark = False
    raise NotImplementedError


def seed_worker(worker_id: int) -> None:
    """DataLoader ``worker_init_fn``: seed this worker's generators from its torch seed."""
    # TODO: seed = torch.initial_seed() % 2**32; seed numpy's and Python's global generators
    # TODO: give the worker's dataset copy (get_worker_info().dataset) a new `rng`, if it has one
    raise NotImplementedError


def make_loader(ds: Dataset, batch_size: int, seed: int, num_workers: int = 2) -> DataLoader:
    """A shuffling multi-process loader whose order and worker seeds depend on ``seed`` only."""
    # TODO: a torch.Generator seeded with `seed`, and seed_worker as the worker_init_fn
    return DataLoader(ds, batch_size=batch_size, shuffle=True, num_workers=num_workers)
