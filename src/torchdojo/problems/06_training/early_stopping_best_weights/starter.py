"""Early stopping that keeps a deep copy of the best weights and can put them back."""

import math

from torch import nn


class EarlyStopping:
    """Stop after ``patience`` steps in a row without an improvement of more than ``min_delta``."""

    def __init__(self, patience: int, min_delta: float = 0.0, mode: str = "min") -> None:
        self.patience = patience
        self.min_delta = min_delta
        self.mode = mode
        # TODO: best starts at +inf for mode="min" and -inf for mode="max"; best_epoch at -1
        self.best = math.inf
        self.best_epoch = -1

    def step(self, metric: float, model: nn.Module) -> bool:
        """Record one epoch's metric; return True when training should stop."""
        # TODO: count the epochs (0, 1, 2, ...); an improvement is better than best by MORE
        #       than min_delta; on an improvement update best/best_epoch, reset the counter and
        #       keep a deep copy of model.state_dict()
        # TODO: return True once `patience` epochs in a row brought no improvement
        raise NotImplementedError

    def restore(self, model: nn.Module) -> None:
        """Load the best epoch's weights (parameters and buffers) into ``model``."""
        # TODO: load the saved snapshot into the model
        raise NotImplementedError
