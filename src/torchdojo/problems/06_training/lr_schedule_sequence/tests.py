"""Probes for lr_schedule_sequence: lr sequences, stepping order and warnings, plateaus."""

import warnings

import torch
from torch import nn
from torch.optim.lr_scheduler import ExponentialLR, StepLR

from torchdojo.probes import probe

TOL = dict(rtol=1e-7, atol=1e-12)


def _optimizer(*lrs):
    """SGD over one dummy parameter per group, group i at lrs[i]."""
    return torch.optim.SGD([{"params": [nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs])


def _watch(optimizer):
    """Record every group's lr at the moment each optimizer.step() runs."""
    seen = []
    optimizer.register_step_pre_hook(
        lambda opt, args, kwargs: seen.append([float(g["lr"]) for g in opt.param_groups]))
    return seen


def _run(m, optimizer, make_scheduler, steps):
    """run_schedule's result, the lrs each optimizer step used, and the warnings raised."""
    seen = _watch(optimizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler = make_scheduler(optimizer)
        out = m.run_schedule(optimizer, scheduler, steps)
    user = [str(w.message)[:80] for w in caught if issubclass(w.category, UserWarning)]
    return {"returned": out, "used_by_step": seen, "user_warnings": user}


def _cosine_lrs(m, lrs, warmup, total, min_lr, steps):
    """warmup_cosine stepped by the probe: every group's lr before each step."""
    optimizer = _optimizer(*lrs)
    scheduler = m.warmup_cosine(optimizer, warmup, total, min_lr)
    out = []
    for _ in range(steps):
        out.append([float(g["lr"]) for g in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return {"is_lambda_lr": isinstance(scheduler, torch.optim.lr_scheduler.LambdaLR), "lrs": out}


@probe(public=True, **TOL)
def warmup_cosine_via_run_schedule(m):
    "run_schedule(opt, warmup_cosine(opt, 3, 10), 12): returned lrs, lrs used, no warnings"
    return _run(m, _optimizer(0.1), lambda o: m.warmup_cosine(o, 3, 10), 12)


@probe(public=True, **TOL)
def cosine_two_groups(m):
    "warmup_cosine(warmup=4, total=12) on two groups (lr 0.1 and 0.02), stepped past the end"
    return _cosine_lrs(m, (0.1, 0.02), 4, 12, 0.0, 15)


@probe(**TOL)
def cosine_min_lr(m):
    "warmup_cosine with min_lr=0.005 on two groups: each decays to min_lr"
    return _cosine_lrs(m, (0.1, 0.03), 2, 9, 0.005, 11)


@probe(**TOL)
def cosine_no_warmup(m):
    "warmup_steps=0: the cosine starts at the full lr at step 0"
    return _cosine_lrs(m, (0.2,), 0, 7, 0.01, 9)


@probe(**TOL)
def cosine_total_equals_warmup(m):
    "total_steps == warmup_steps: warmup, then straight to min_lr"
    return _cosine_lrs(m, (0.1,), 5, 5, 0.001, 8)


@probe(**TOL)
def cosine_one_step_warmup(m):
    "warmup_steps=1, total_steps=2"
    return _cosine_lrs(m, (0.5, 0.25), 1, 2, 0.0, 4)


@probe(**TOL)
def step_lr_sequence(m):
    "run_schedule with StepLR(step_size=3, gamma=0.5) on two groups"
    return _run(m, _optimizer(0.1, 0.4), lambda o: StepLR(o, step_size=3, gamma=0.5), 10)


@probe(**TOL)
def exponential_lr_sequence(m):
    "run_schedule with ExponentialLR(gamma=0.9)"
    return _run(m, _optimizer(0.05), lambda o: ExponentialLR(o, gamma=0.9), 7)


@probe(**TOL)
def zero_steps(m):
    "run_schedule(..., steps=0) returns an empty list"
    return _run(m, _optimizer(0.1), lambda o: StepLR(o, step_size=2), 0)


@probe(public=True, **TOL)
def plateau_basic(m):
    "plateau_lrs on a loss that stops improving (factor=0.5, patience=2)"
    return m.plateau_lrs([1.0, 0.8, 0.7, 0.71, 0.72, 0.73, 0.69, 0.7, 0.7, 0.7, 0.7], 0.5, 2, 0.1)


@probe(**TOL)
def plateau_patience_zero(m):
    "patience=0, factor=0.1: every non-improving metric cuts the lr"
    return m.plateau_lrs([3.0, 3.0, 2.0, 2.5, 1.0, 1.0, 0.5], 0.1, 0, 1.0)


@probe(**TOL)
def plateau_tiny_improvements(m):
    "improvements smaller than the default relative threshold (1e-4) do not count"
    return m.plateau_lrs([1.0, 0.99999, 0.99998, 0.99997, 0.5, 0.49, 0.48], 0.5, 1, 0.2)


@probe(**TOL)
def plateau_steady_progress(m):
    "a steadily falling loss never reduces the lr"
    return m.plateau_lrs([1.0 / (k + 1) for k in range(8)], 0.5, 1, 0.3)
