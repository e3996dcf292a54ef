"""Probes for jsonl_training_logger. Each probe drives the learner's TrainingLogger with a fake
clock in a fresh temp folder, then reads the file itself and parses every line strictly (a bare
NaN/Infinity is an error); the judge compares the parsed records with the reference's (keys
exactly, value types, numbers to 1e-9). Other probes return summary(), the exception names of
bad calls, warnings and whether a logged tensor is still alive."""

import gc
import json
import os
import tempfile
import time
import warnings
import weakref

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

TOL = {"rtol": 1e-9, "atol": 1e-12}


class _Clock:
    """A fake clock: 1000.25, 1000.5, ... one tick per call, calls counted."""

    def __init__(self) -> None:
        self.now, self.calls = 1000.0, 0

    def __call__(self) -> float:
        self.calls += 1
        self.now += 0.25
        return self.now


def _path(name: str = "log.jsonl") -> str:
    return os.path.join(tempfile.mkdtemp(), name)


def _bad_constant(token: str):
    raise ValueError(f"{token} is not valid JSON")


def _lines(path: str):
    """The file's lines, each parsed strictly: a dict, or a string saying what is wrong."""
    if not os.path.exists(path):
        return "the log file does not exist"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text and not text.endswith("\n"):
        return "the last line does not end with a newline"
    out = []
    for i, line in enumerate(text.split("\n")[:-1]):
        try:
            rec = json.loads(line, parse_constant=_bad_constant)
        except ValueError as exc:
            out.append(f"line {i + 1} is not valid JSON ({str(exc)[:60]}): {line[:80]!r}")
            continue
        out.append(rec if isinstance(rec, dict) else f"line {i + 1} is not a JSON object")
    return out


def _value_diff(g, r, where: str) -> str | None:
    if r is None or isinstance(r, bool | str):
        return None if g == r and type(g) is type(r) else f"{where}: expected {r!r}, got {g!r}"
    if type(g) is not type(r):
        want = "an integer" if isinstance(r, int) else "a float"
        return f"{where}: expected {want} like {r!r}, got {g!r}"
    if isinstance(r, float):
        why = compare(g, r, **TOL)
        return None if why is None else f"{where}: {why}"
    return None if g == r else f"{where}: expected {r!r}, got {g!r}"


def _records_diff(got, ref, what: str = "the log file") -> str | None:
    """Records compared one by one: keys exactly, then every value by type and value."""
    if isinstance(got, str):
        return f"{what}: {got}"
    if not isinstance(got, list):
        return f"{what}: expected a list of records, got {type(got).__name__}"
    for i, (g, r) in enumerate(zip(got, ref, strict=False)):
        if isinstance(g, str):
            return f"{what}: {g}"
        if not isinstance(g, dict):
            return f"{what}, record {i + 1}: expected a dict, got {type(g).__name__}"
        if sorted(g) != sorted(r):
            return f"{what}, record {i + 1}: expected the keys {sorted(r)}, got {sorted(g)}"
        for key in r:
            why = _value_diff(g[key], r[key], f"{what}, record {i + 1}, {key!r}")
            if why:
                return why
    if len(got) != len(ref):
        return f"{what}: expected {len(ref)} records, got {len(got)}"
    return None


def _is_records(key: str) -> bool:
    return key.startswith("lines") or key == "read"


def _judge(got, ref):
    """Every key of the observation: plain values (errors, warnings, flags) first, then
    summary(), then the records."""
    order = sorted(ref, key=lambda k: (_is_records(k), k == "summary"))
    for key in order:
        r, g = ref[key], got.get(key)
        if _is_records(key):
            why = _records_diff(g, r, f"{key.replace('_', ' ')}")
        elif key == "summary":
            why = None
            if not isinstance(g, dict) or sorted(g) != sorted(r):
                why = (f"summary() should have the keys {sorted(r)}, got "
                       f"{sorted(g) if isinstance(g, dict) else type(g).__name__}")
            else:
                for name in r:
                    why = why or _value_diff(g[name], r[name], f"summary()[{name!r}]")
        else:
            why = compare(g, r)
            why = why and f"{key}: {why}"
        if why:
            return why
    return None


def _values(seed: int, n: int) -> list[float]:
    return torch.rand(n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64
                      ).mul(4).tolist()


@probe(public=True, judge=_judge)
def basic_records(m):
    "window=3, six steps of loss and acc (Python floats), a fake clock: the records in the file"
    path, clock = _path(), _Clock()
    logger = m.TrainingLogger(path, 3, clock)
    for step, (loss, acc) in enumerate(zip(_values(1, 6), _values(2, 6), strict=True)):
        logger.log(step, loss=loss, acc=acc)
    logger.close()
    return {"lines": _lines(path), "clock_calls": clock.calls}


@probe(judge=_judge)
def lines_before_close(m):
    "the file is read by another open() after each log call, before close()"
    path = _path()
    logger = m.TrainingLogger(path, 2, _Clock())
    logger.log(0, loss=0.5)
    lines_after_one = _lines(path)
    logger.log(1, loss=0.25)
    logger.log(2, loss=1.0)
    lines_after_three = _lines(path)
    logger.close()
    return {"lines_after_one": lines_after_one, "lines_after_three": lines_after_three}


@probe(judge=_judge)
def window_edges(m):
    "window=1, a window larger than the number of values, and window=4 over 9 values"
    out = {}
    for window, n, seed in ((1, 5, 3), (50, 6, 4), (4, 9, 5)):
        path = _path()
        logger = m.TrainingLogger(path, window, _Clock())
        for step, v in enumerate(_values(seed, n)):
            logger.log(10 * step, loss=v)
        logger.close()
        out[f"lines_window_{window}"] = _lines(path)
    return out


@probe(judge=_judge)
def sparse_metrics(m):
    "metrics that appear only in some steps, steps with gaps: each metric has its own window"
    path = _path()
    logger = m.TrainingLogger(path, 3, _Clock())
    losses, vals = _values(6, 10), _values(7, 4)
    for i, step in enumerate([0, 2, 5, 6, 10, 11, 15, 20, 21, 30]):
        metrics = {"loss": losses[i]}
        if i % 3 == 0:
            metrics["val_loss"] = vals[i // 3]
        if step in (0, 5, 21):
            metrics["lr"] = 0.1 / (1 + step)
        logger.log(step, **metrics)
    out = {"summary": logger.summary()}
    logger.close()
    out["lines"] = _lines(path)
    return out


@probe(judge=_judge)
def tensor_metrics(m):
    "tensors as metrics: 0-dim with grad, shape (1,), float32 and float64; an int; no warning"
    g = torch.Generator().manual_seed(8)
    model = nn.Linear(3, 1)
    model.load_state_dict({"weight": torch.randn(1, 3, generator=g),
                           "bias": torch.randn(1, generator=g)}, strict=True)
    x = torch.randn(5, 3, generator=g)
    path = _path()
    logger = m.TrainingLogger(path, 2, _Clock())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss = model(x).pow(2).mean()  # () with a grad_fn
        alive = weakref.ref(loss)
        logger.log(0, loss=loss, count=3)
        del loss
        gc.collect()
        kept = alive() is not None
        logger.log(1, loss=torch.tensor([0.1]), count=torch.tensor(7))
        logger.log(2, loss=torch.tensor(0.3, dtype=torch.float64), count=2)
        out = {"summary": logger.summary()}
    logger.close()
    out.update({"lines": _lines(path), "tensor_kept_alive": kept,
                "warnings": [f"{w.category.__name__}: {str(w.message)[:80]}" for w in caught]})
    return out


@probe(judge=_judge)
def non_finite_values(m):
    "NaN and +-inf entering and leaving a window of 2; summary() with a NaN"
    path = _path()
    logger = m.TrainingLogger(path, 2, _Clock())
    nan, inf = float("nan"), float("inf")
    for step, (loss, gn) in enumerate([(1.0, 0.5), (nan, 0.25), (2.0, inf), (3.0, 1.0),
                                       (4.0, -inf), (0.5, 2.0), (1.5, 3.0)]):
        logger.log(step, loss=loss, grad_norm=gn)
    out = {"summary": logger.summary()}
    logger.close()
    out["lines"] = _lines(path)
    return out


@probe(public=True, judge=_judge)
def appends_to_existing(m):
    "a second logger on the same file (a resumed run) appends; read_log returns every record"
    path = _path()
    first = m.TrainingLogger(path, 2, _Clock())
    first.log(0, loss=2.0)
    first.log(1, loss=1.0)
    first.close()
    second = m.TrainingLogger(path, 2, _Clock())
    second.log(2, loss=0.5)
    second.log(3, loss=0.25, acc=0.5)
    second.close()
    return {"lines": _lines(path), "read": m.read_log(path)}


@probe(judge=_judge)
def bad_calls(m):
    "bad steps, bad metric names and values, log after close: ValueError, nothing written"
    path = _path()
    logger = m.TrainingLogger(path, 3, _Clock())
    logger.log(4, loss=1.0)
    errors = {
        "same step": raised(lambda: logger.log(4, loss=2.0)),
        "earlier step": raised(lambda: logger.log(3, loss=2.0)),
        "float step": raised(lambda: logger.log(5.0, loss=2.0)),
        "bool step": raised(lambda: logger.log(True, loss=2.0)),
        "metric named time": raised(lambda: logger.log(5, time=2.0)),
        "metric named *_avg": raised(lambda: logger.log(5, loss_avg=2.0)),
        "two-element tensor": raised(lambda: logger.log(5, acc=0.5, loss=torch.ones(2))),
        "string value": raised(lambda: logger.log(5, acc=0.5, loss="2.0")),
    }
    lines_after_bad_calls = _lines(path)
    logger.log(5, loss=3.0)  # the failed calls left no trace
    out = {"summary": logger.summary()}
    logger.close()
    errors["log after close"] = raised(lambda: logger.log(6, loss=1.0))
    errors["second close"] = raised(logger.close)
    fresh = m.TrainingLogger(_path("other.jsonl"), 2, _Clock())
    errors["negative first step"] = raised(lambda: fresh.log(-1, loss=1.0))
    fresh.close()
    errors["window 0"] = raised(lambda: m.TrainingLogger(_path("w0.jsonl"), 0, _Clock()))
    out.update({"errors": errors, "lines_after_bad_calls": lines_after_bad_calls,
                "lines": _lines(path)})
    return out


@probe(judge=_judge)
def summary_whole_run(m):
    "summary() after 7 steps with window=2: the mean of all values of each metric"
    logger = m.TrainingLogger(_path(), 2, _Clock())
    losses = _values(9, 7)
    for step, loss in enumerate(losses):
        metrics = {"loss": loss} if step % 2 else {"loss": loss, "acc": loss / 8}
        logger.log(step, **metrics)
    out = {"summary": logger.summary()}
    logger.close()
    return out


@probe(judge=_judge)
def context_manager(m):
    "with TrainingLogger(...) as logger: the logger itself; closed at the end, also on an error"
    path = _path()
    logger = m.TrainingLogger(path, 2, _Clock())
    with logger as entered:
        entered.log(0, loss=1.0)
    out = {"as_gives_logger": entered is logger,
           "log_after_with": raised(lambda: logger.log(1, loss=1.0)), "lines": _lines(path)}
    path2 = _path("crash.jsonl")
    try:
        with m.TrainingLogger(path2, 2, _Clock()) as crashing:
            crashing.log(0, loss=0.5)
            raise KeyError("training crashed")
    except KeyError:
        out["error_propagates"] = True
    else:
        out["error_propagates"] = False
    out["log_after_crash"] = raised(lambda: crashing.log(1, loss=1.0))
    out["lines_crash"] = _lines(path2)
    return out


@probe(judge=_judge)
def read_log_own_file(m):
    "read_log on a file written by the test: spacing, blank lines, null, an int, no final newline"
    path = _path()
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"step": 0, "loss": 1.5, "loss_avg": 1.5}\n\n'
                '{ "step" : 1 , "loss" : null, "loss_avg": null, "n": 2 }\n   \n'
                '{"step":2,"loss":0.25,"loss_avg":0.25}')
    return {"read": m.read_log(path)}


@probe(judge=_judge)
def default_clock(m):
    "without a clock argument the time field is the current time.time(), a float"
    path = _path()
    before = time.time()
    logger = m.TrainingLogger(path, 5)
    logger.log(0, loss=1.0)
    after = time.time()
    logger.close()
    lines = _lines(path)
    t = lines[0].get("time") if isinstance(lines, list) and lines and isinstance(
        lines[0], dict) else None
    return {"time_is_float": type(t) is float,
            "time_is_now": isinstance(t, float) and before - 1 <= t <= after + 1}
