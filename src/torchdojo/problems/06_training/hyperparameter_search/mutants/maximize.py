"""direction='maximize': the search keeps the configuration with the highest validation loss."""

from collections.abc import Callable

import optuna
import torch
from torch import nn

optuna.logging.set_verbosity(optuna.logging.WARNING)  # no "Trial 0 finished ..." lines

Split = tuple[torch.Tensor, torch.Tensor]  # (X (N, F), y (N,))
STEPS = 50  # full-batch Adam steps per training run


def suggest_params(trial: optuna.Trial) -> dict:
    """The search space, sampled in this order: lr (log scale), then hidden."""
    lr = trial.suggest_float("lr", 1e-3, 1e-1, log=True)
    hidden = trial.suggest_categorical("hidden", [4, 8, 16])
    return {"lr": lr, "hidden": hidden}


def run_search(objective_fn: Callable[[dict], float], n_trials: int,
               seed: int) -> tuple[dict, optuna.Study]:
    """Minimise ``objective_fn(params)`` over ``n_trials`` seeded TPE trials."""
    sampler = optuna.samplers.TPESampler(seed=seed)  # the seed fixes every suggestion
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(lambda trial: objective_fn(suggest_params(trial)), n_trials=n_trials)
    # the best trial by its objective value, not the last one
    return study.best_params, study


def train_and_validate(params: dict, train: Split, val: Split, seed: int) -> float:
    """Train a fresh MLP with ``params`` on ``train``; its mean squared error on ``val``."""
    X, y = train  # (N, F), (N,)
    # a new model every call, initialised from a generator seeded with `seed`
    g = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(X.shape[1], params["hidden"]), nn.Tanh(),
                          nn.Linear(params["hidden"], 1))
    for layer in (model[0], model[2]):
        nn.init.xavier_uniform_(layer.weight, generator=g)
        nn.init.zeros_(layer.bias)
    opt = torch.optim.Adam(model.parameters(), lr=params["lr"])
    # full-batch training on the training split only
    model.train()
    for _ in range(STEPS):
        opt.zero_grad()
        pred = model(X).squeeze(-1)  # (N, 1) -> (N,): same shape as y, no broadcasting
        nn.functional.mse_loss(pred, y).backward()
        opt.step()
    # score on the held-out split
    model.eval()
    with torch.no_grad():
        X_val, y_val = val  # (M, F), (M,)
        return nn.functional.mse_loss(model(X_val).squeeze(-1), y_val).item()


def select_and_test(data: dict[str, Split], n_trials: int, seed: int,
                    fit_fn: Callable[[dict, Split, Split, int], float] = train_and_validate,
                    ) -> tuple[dict, float]:
    """Search on ``data["val"]``, then score the chosen params on ``data["test"]`` once."""
    # every trial: train on the training split, judge on the validation split
    best_params, _ = run_search(lambda p: fit_fn(p, data["train"], data["val"], seed),
                                n_trials, seed)
    # the only look at the test split: retrain the winner (same seed, same weights) and score
    test_loss = fit_fn(best_params, data["train"], data["test"], seed)
    return best_params, float(test_loss)
