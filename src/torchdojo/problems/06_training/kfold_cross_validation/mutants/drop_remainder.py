"""Every fold gets n // k validation samples: the last n % k samples of the permutation are never validated."""

import math
from collections.abc import Callable

import torch
from torch import nn


def kfold_indices(n: int, k: int, seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The ``k`` folds of ``range(n)`` as ``(train_idx, val_idx)`` pairs of int64 tensors."""
    if k < 2 or k > n:
        raise ValueError(f"k must be between 2 and n={n}, got {k}")
    # one seeded permutation; the global RNG is left alone
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(n, generator=g)  # (n,) int64
    # k consecutive chunks: the first n % k have n // k + 1 elements, the rest n // k
    size = n // k
    chunks = [perm[i * size:(i + 1) * size] for i in range(k)]
    folds = []
    for i, val_idx in enumerate(chunks):
        # the training part is every other chunk, in permutation order
        train_idx = torch.cat([perm[:i * size], perm[(i + 1) * size:]])
        folds.append((train_idx, val_idx))
    return folds


def cross_validate(make_model: Callable[[], nn.Module],
                   train_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], None],
                   eval_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], float],
                   X: torch.Tensor, y: torch.Tensor, k: int, seed: int) -> dict:
    """Train and score one fresh model per fold; the scores and their mean and (population) std."""
    scores: list[float] = []
    for train_idx, val_idx in kfold_indices(len(X), k, seed):
        # a new model for every fold: no weights carried over from an earlier fold
        model = make_model()
        # fit on the training part only ...
        train_fn(model, X[train_idx], y[train_idx])
        # ... and score on the held-out part
        scores.append(float(eval_fn(model, X[val_idx], y[val_idx])))
    mean = sum(scores) / k
    # population standard deviation: divide by k, not k - 1
    std = math.sqrt(sum((s - mean) ** 2 for s in scores) / k)
    return {"scores": scores, "mean": mean, "std": std}
