"""Learning-rate schedules (fill in the three functions)."""

import torch
from torch.optim.lr_scheduler import LambdaLR


def warmup_cosine(optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int,
                  min_lr: float = 0.0) -> LambdaLR:
    """Linear warmup from 0, then a half cosine from each group's lr down to ``min_lr``."""
    # TODO: one lr_lambda per parameter group, returning lr(s) / base_lr
    raise NotImplementedError


def run_schedule(optimizer: torch.optim.Optimizer, scheduler, steps: int) -> list[float]:
    """The lr of param group 0 used by each of ``steps`` optimizer steps."""
    # TODO: record the lr, step the optimizer, step the scheduler
    raise NotImplementedError


def plateau_lrs(metrics: list[float], factor: float, patience: int, lr: float) -> list[float]:
    """The lr after each ``ReduceLROnPlateau.step(metric)``."""
    # TODO: a dummy parameter, SGD(lr), ReduceLROnPlateau(mode="min", factor, patience)
    raise NotImplementedError
