"""A training logger that writes one JSON object per line (JSON Lines) with running averages."""

import json
import math  # noqa: F401 - for your code
import time
from collections import deque  # noqa: F401 - for your code
from collections.abc import Callable

import torch  # noqa: F401 - for your code


class TrainingLogger:
    """Append one JSON line per ``log`` call: the step, the time, each metric and its average
    over the last ``window`` values of that metric."""

    def __init__(self, path: str, window: int = 10,
                 clock: Callable[[], float] = time.time) -> None:
        # TODO: check window, keep the clock, open the file for appending
        self.window = window
        self.clock = clock
        self.path = path

    def log(self, step: int, **metrics) -> None:
        """Write one record; raises ValueError (and writes nothing) for a bad step or metric."""
        # TODO: validate the step and every metric first (ValueError, nothing written)
        # TODO: convert each metric to a Python float (.item() for tensors)
        # TODO: update each metric's window; write value and average, non-finite as null
        # TODO: write one line and flush it
        with open(self.path, "w") as f:
            f.write(json.dumps({"step": step, "time": self.clock(), **metrics}) + "\n")

    def summary(self) -> dict[str, float]:
        """The mean of every value logged for each metric (the whole run, not the window)."""
        # TODO
        return {}

    def close(self) -> None:
        """Close the file; calling it again does nothing."""
        # TODO

    # TODO: __enter__ and __exit__


def read_log(path: str) -> list[dict]:
    """The records of a JSON Lines file, one dict per non-empty line (null stays None)."""
    # TODO
    raise NotImplementedError
