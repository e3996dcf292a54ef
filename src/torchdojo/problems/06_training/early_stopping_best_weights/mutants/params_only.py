"""Snapshots only the parameters (not the buffers) and loads them with strict=False."""

import math

from torch import nn


class EarlyStopping:
    """Stop after ``patience`` steps in a row without an improvement of more than ``min_delta``."""

    def __init__(self, patience: int, min_delta: float = 0.0, mode: str = "min") -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.patience = patience
        self.min_delta = min_delta
        self.mode = mode
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = -1
        self.best_state: dict | None = None
        self.epoch = -1  # index of the last step() call
        self.num_bad_epochs = 0

    def _improves(self, metric: float) -> bool:
        # strictly better than best by more than min_delta
        if self.mode == "min":
            return metric < self.best - self.min_delta
        return metric > self.best + self.min_delta

    def step(self, metric: float, model: nn.Module) -> bool:
        """Record one epoch's metric; return True when training should stop."""
        self.epoch += 1
        metric = float(metric)
        if self._improves(metric):
            self.best = metric
            self.best_epoch = self.epoch
            self.num_bad_epochs = 0
            # deep copy: parameters AND buffers, detached from the live tensors
            self.best_state = {n: p.detach().clone() for n, p in model.named_parameters()}
            return False
        self.num_bad_epochs += 1
        # patience=0 stops at the first step without improvement
        return self.num_bad_epochs >= self.patience

    def restore(self, model: nn.Module) -> None:
        """Load the best epoch's weights (parameters and buffers) into ``model``."""
        if self.best_state is None:
            raise RuntimeError("restore() called before any improvement was recorded")
        model.load_state_dict(self.best_state, strict=False)
