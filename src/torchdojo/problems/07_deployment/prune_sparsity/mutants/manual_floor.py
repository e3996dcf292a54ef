"""MUTANT: hand-written magnitude pruning that counts the weights to drop with int(amount * n)
(floor) instead of rounding as torch.nn.utils.prune does."""

import torch
from torch import nn

PRUNABLE = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


def _prunable(model):
    return [(name, mod) for name, mod in model.named_modules() if isinstance(mod, PRUNABLE)]


@torch.no_grad()
def prune_model(model, amount, global_pruning=False):
    if not 0.0 <= amount <= 1.0:
        raise ValueError("amount must be in [0, 1]")
    weights = [mod.weight for _, mod in _prunable(model)]
    groups = [weights] if global_pruning else [[w] for w in weights]
    for group in groups:
        flat = torch.cat([w.abs().flatten() for w in group])
        k = int(amount * flat.numel())
        if k == 0:
            continue
        thr = flat.kthvalue(k).values
        for w in group:
            w.mul_((w.abs() > thr).to(w.dtype))
    return model


def sparsity(model):
    report, zeros, total = {}, 0, 0
    for name, mod in _prunable(model):
        w = mod.weight
        n_zero = int((w == 0).sum())
        report[name] = n_zero / w.numel()
        zeros, total = zeros + n_zero, total + w.numel()
    report["global"] = zeros / total
    return report
