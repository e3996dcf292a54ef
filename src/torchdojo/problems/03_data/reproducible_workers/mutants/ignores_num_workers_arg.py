"""Always loads with two workers: right for the default, but make_loader(..., num_workers=0) still
forks workers instead of loading in the main process."""

import random

import numpy as np
import torch
from torch.utils.data import DataLoader, get_worker_info


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def seed_worker(worker_id):
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)
    info = get_worker_info()
    if info is not None and isinstance(getattr(info.dataset, "rng", None), np.random.Generator):
        info.dataset.rng = np.random.default_rng(seed)


def make_loader(ds, batch_size, seed, num_workers=2):
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, num_workers=2,
                      worker_init_fn=seed_worker, generator=g)
