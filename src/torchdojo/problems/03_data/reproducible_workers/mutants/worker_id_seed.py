"""seed_worker seeds with worker_id alone: workers differ, but every epoch and every seed replays the
same noise in each worker."""

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
    np.random.seed(worker_id)
    random.seed(worker_id)
    info = get_worker_info()
    if info is not None and isinstance(getattr(info.dataset, "rng", None), np.random.Generator):
        info.dataset.rng = np.random.default_rng(worker_id)


def make_loader(ds, batch_size, seed, num_workers=2):
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(ds, batch_size=batch_size, shuffle=True, num_workers=num_workers,
                      worker_init_fn=seed_worker, generator=g)
