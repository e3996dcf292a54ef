"""MUTANT: scheduler.step() called before optimizer.step() (torch warns; first lr skipped)."""

import math

import torch
from torch.optim.lr_scheduler import LambdaLR, ReduceLROnPlateau


def warmup_cosine(optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int,
                  min_lr: float = 0.0) -> LambdaLR:
    def make(base: float):
        def factor(s: int) -> float:
            if s < warmup_steps:  # linear warmup: 0 at s = 0, base at s = warmup_steps
                return s / warmup_steps
            if s >= total_steps:  # after the schedule: stay at the floor
                return min_lr / base
            # half cosine over the steps after the warmup
            progress = (s - warmup_steps) / (total_steps - warmup_steps)
            cos = 0.5 * (1.0 + math.cos(math.pi * progress))
            return (min_lr + (base - min_lr) * cos) / base
        return factor

    # one multiplier per group, each relative to that group's own starting lr
    return LambdaLR(optimizer, [make(g["lr"]) for g in optimizer.param_groups])


def run_schedule(optimizer: torch.optim.Optimizer, scheduler, steps: int) -> list[float]:
    lrs = []
    for _ in range(steps):
        lrs.append(float(optimizer.param_groups[0]["lr"]))  # the lr this step uses
        scheduler.step()
        optimizer.step()
    return lrs


def plateau_lrs(metrics: list[float], factor: float, patience: int, lr: float) -> list[float]:
    p = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([p], lr=lr)
    scheduler = ReduceLROnPlateau(optimizer, mode="min", factor=factor, patience=patience)
    out = []
    for metric in metrics:
        optimizer.step()
        scheduler.step(metric)  # the scheduler needs the metric to detect a plateau
        out.append(float(optimizer.param_groups[0]["lr"]))
    return out
