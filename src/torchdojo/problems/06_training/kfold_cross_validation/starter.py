"""K-fold cross-validation: seeded disjoint folds and a fresh model per fold."""

from collections.abc import Callable

import torch
from torch import nn


def kfold_indices(n: int, k: int, seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The ``k`` folds of ``range(n)`` as ``(train_idx, val_idx)`` pairs of int64 tensors."""
    # TODO: raise ValueError when k < 2 or k > n
    # TODO: one permutation from torch.Generator().manual_seed(seed) (not the global RNG)
    perm = torch.arange(n)
    # TODO: k consecutive chunks; the first n % k chunks have one element more
    size = n // k
    folds = []
    for i in range(k):
        val_idx = perm[i * size:(i + 1) * size]
        # TODO: the training part is every index outside chunk i
        train_idx = perm
        folds.append((train_idx, val_idx))
    return folds


def cross_validate(make_model: Callable[[], nn.Module],
                   train_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], None],
                   eval_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], float],
                   X: torch.Tensor, y: torch.Tensor, k: int, seed: int) -> dict:
    """Train and score one fresh model per fold; the scores and their mean and (population) std."""
    # TODO: for each fold of kfold_indices(len(X), k, seed): a NEW model from make_model(),
    #       train_fn on the fold's training rows, eval_fn (same model) on its validation rows
    # TODO: return {"scores": [float, ...], "mean": float, "std": float (divide by k)}
    raise NotImplementedError
