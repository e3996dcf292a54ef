"""A seeded hyperparameter search with optuna: chosen on validation, tested once."""

from collections.abc import Callable

import optuna
import torch
from torch import nn  # noqa: F401 - for the model you build

optuna.logging.set_verbosity(optuna.logging.WARNING)  # no "Trial 0 finished ..." lines

Split = tuple[torch.Tensor, torch.Tensor]  # (X (N, F), y (N,))
STEPS = 50  # full-batch Adam steps per training run


def run_search(objective_fn: Callable[[dict], float], n_trials: int,
               seed: int) -> tuple[dict, optuna.Study]:
    """Minimise ``objective_fn(params)`` over ``n_trials`` seeded TPE trials."""
    # TODO: a study with direction="minimize" and TPESampler(seed=seed)
    # TODO: each trial: suggest "lr" (log-uniform in [1e-3, 1e-1]) THEN "hidden" (4, 8 or 16),
    #       and return objective_fn({"lr": ..., "hidden": ...})
    # TODO: run n_trials trials; return (the best trial's params, study)
    raise NotImplementedError


def train_and_validate(params: dict, train: Split, val: Split, seed: int) -> float:
    """Train a fresh MLP with ``params`` on ``train``; its mean squared error on ``val``."""
    # TODO: a NEW Sequential(Linear(F, hidden), Tanh(), Linear(hidden, 1)); xavier_uniform_
    #       weights from torch.Generator().manual_seed(seed) (first layer, then second), zero biases
    # TODO: Adam(lr=params["lr"]), STEPS full-batch steps of MSE(model(X).squeeze(-1), y)
    # TODO: return the MSE on val, without gradient tracking, as a Python float
    raise NotImplementedError


def select_and_test(data: dict[str, Split], n_trials: int, seed: int,
                    fit_fn: Callable[[dict, Split, Split, int], float] = train_and_validate,
                    ) -> tuple[dict, float]:
    """Search on ``data["val"]``, then score the chosen params on ``data["test"]`` once."""
    # TODO: run_search with an objective that trains on data["train"] and scores on data["val"]
    # TODO: one fit_fn call for the chosen params, scored on data["test"]
    # TODO: return (best_params, test_loss as a Python float)
    raise NotImplementedError
