"""MUTANT: keeps a running window sum (add the new value, subtract the one that drops out): once a NaN or inf has entered, the average never recovers."""


import json
import math
import time
from collections import deque
from collections.abc import Callable

import torch


def _to_float(name: str, value) -> float:
    """A metric as a Python float: numbers as they are, one-element tensors via .item()."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError(f"metric {name!r}: a tensor with {value.numel()} elements")
        return float(value.detach().item())  # no graph, no warning
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"metric {name!r}: expected a number or a one-element tensor, "
                     f"got {type(value).__name__}")


def _json_number(x: float) -> float | None:
    """JSON has no NaN/Infinity: write them as null."""
    return x if math.isfinite(x) else None


class TrainingLogger:
    """Append one JSON line per ``log`` call: the step, the time, each metric and its average
    over the last ``window`` values of that metric."""

    def __init__(self, path: str, window: int = 10,
                 clock: Callable[[], float] = time.time) -> None:
        if not isinstance(window, int) or isinstance(window, bool) or window < 1:
            raise ValueError(f"window must be an int >= 1, got {window!r}")
        self.window = window
        self.clock = clock
        self.last_step: int | None = None
        self.recent: dict[str, deque[float]] = {}  # name -> last `window` values
        self.totals: dict[str, tuple[float, int]] = {}  # name -> (sum, count), whole run
        self.running: dict[str, float] = {}
        # append: a resumed run adds to the log instead of wiping it
        self.file = open(path, "a", encoding="utf-8")  # closed in close()

    def log(self, step: int, **metrics) -> None:
        """Write one record; raises ValueError (and writes nothing) for a bad step or metric."""
        if self.file.closed:
            raise ValueError("log() on a closed TrainingLogger")
        # validate everything before touching any state
        if not isinstance(step, int) or isinstance(step, bool) or step < 0:
            raise ValueError(f"step must be an int >= 0, got {step!r}")
        if self.last_step is not None and step <= self.last_step:
            raise ValueError(f"step {step} does not come after step {self.last_step}")
        values = {}
        for name, value in metrics.items():
            if name == "time" or name.endswith("_avg"):
                raise ValueError(f"metric name {name!r} clashes with the record's own keys")
            values[name] = _to_float(name, value)

        record = {"step": step, "time": float(self.clock())}  # the clock is read once
        for name, x in values.items():
            window = self.recent.setdefault(name, deque(maxlen=self.window))
            run = self.running.get(name, 0.0)
            if len(window) == self.window:
                run -= window[0]  # the value that drops out
            window.append(x)
            self.running[name] = run + x
            total, count = self.totals.get(name, (0.0, 0))
            self.totals[name] = (total + x, count + 1)
            record[name] = _json_number(x)
            record[name + "_avg"] = _json_number(self.running[name] / len(window))
        # one line, strict JSON (allow_nan=False would raise on a stray NaN)
        self.file.write(json.dumps(record, allow_nan=False) + "\n")
        self.file.flush()  # a reader sees the line now, not at close()
        self.last_step = step

    def summary(self) -> dict[str, float]:
        """The mean of every value logged for each metric (the whole run, not the window)."""
        return {name: total / count for name, (total, count) in self.totals.items()}

    def close(self) -> None:
        """Close the file; calling it again does nothing."""
        self.file.close()

    def __enter__(self) -> "TrainingLogger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()  # also when the block raised; the exception propagates


def read_log(path: str) -> list[dict]:
    """The records of a JSON Lines file, one dict per non-empty line (null stays None)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
