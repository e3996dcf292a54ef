"""MUTANT: zeroes every weight with |w| below the amount-quantile of |w|: torch.quantile
interpolates between neighbours, so the count is not round(amount * n) and the global ranking
is done per layer."""

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
    if global_pruning:
        thr = torch.quantile(torch.cat([w.abs().flatten() for w in weights]), amount)
        for w in weights:
            w[w.abs() < thr] = 0.0
    else:
        for w in weights:
            w[w.abs() < torch.quantile(w.abs().flatten(), amount)] = 0.0
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
