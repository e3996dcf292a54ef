"""Probes for early_stopping_best_weights: stop epochs, best/best_epoch, and restored weights."""

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _run(m, metrics, patience, min_delta=0.0, mode="min"):
    """Step through ``metrics`` until the first True; record (stop, best, best_epoch) each step."""
    es = m.EarlyStopping(patience, min_delta=min_delta, mode=mode)
    model = nn.Linear(2, 1)
    steps = [{"best_before": es.best, "best_epoch_before": es.best_epoch}]
    for metric in metrics:
        stop = es.step(metric, model)
        steps.append({"stop": stop, "best": es.best, "best_epoch": es.best_epoch})
        if stop is True:
            break
    return steps


def _steps_judge(got, ref):
    if not isinstance(got, list) or not got or not isinstance(got[0], dict):
        return "could not read the recorded steps"
    first = got[0]
    for key in ("best_before", "best_epoch_before"):
        if not isinstance(first.get(key), (int, float)) or first[key] != ref[0][key]:
            name = key.removesuffix("_before")
            return (f"right after construction, {name} should be {ref[0][key]!r}, "
                    f"got {first.get(key)!r}")
    for i, r in enumerate(ref[1:]):
        if i + 1 >= len(got):
            return f"step() returned True at epoch {i - 1}, too early"
        g = got[i + 1]
        if type(g.get("stop")) is not bool:
            return f"step() must return a Python bool, got {type(g.get('stop')).__name__}"
        if g["stop"] != r["stop"]:
            if r["stop"]:
                bad = i - r["best_epoch"]
                return f"step() should return True at epoch {i} ({bad} epochs without improvement)"
            return f"step() returned True at epoch {i}, too early"
        for key in ("best", "best_epoch"):
            if key == "best" and not isinstance(g.get(key), (int, float)):
                return f"best must be a float, got {type(g.get(key)).__name__}"
            if key == "best_epoch" and (type(g.get(key)) is not int):
                return f"best_epoch must be an int, got {type(g.get(key)).__name__}"
            if g[key] != r[key]:  # the probes' numbers are exact binary fractions
                return f"after epoch {i}, {key} should be {r[key]!r}, got {g[key]!r}"
    if len(got) > len(ref):
        return f"step() did not return True at epoch {len(ref) - 2}"
    return None


@probe(public=True, judge=_steps_judge)
def patience_three(m):
    "mode='min', patience=3 on [1.0, 0.875, 0.9375, 0.96875, 0.984375, 0.5]"
    return _run(m, [1.0, 0.875, 0.9375, 0.96875, 0.984375, 0.5], patience=3)


@probe(judge=_steps_judge)
def ties_do_not_improve(m):
    "a metric equal to the best is not an improvement"
    return _run(m, [0.5, 0.5, 0.25, 0.25, 0.25, 0.125], patience=3)


@probe(judge=_steps_judge)
def counter_resets(m):
    "an improvement resets the count of epochs without improvement"
    return _run(m, [1.0, 1.5, 0.75, 1.0, 0.5, 0.625, 0.875, 0.25], patience=2)


@probe(judge=_steps_judge)
def min_delta_small_gains(m):
    "improvements of min_delta or less do not count (and do not move best)"
    return _run(m, [2.0, 1.875, 1.75, 1.5, 1.25, 1.125, 1.0, 0.5], patience=2, min_delta=0.25)


@probe(judge=_steps_judge)
def min_delta_large_gains(m):
    "improvements of more than min_delta count"
    return _run(m, [2.0, 1.5, 1.0, 0.875, 0.5, 0.375, 0.25], patience=2, min_delta=0.375)


@probe(public=True, judge=_steps_judge)
def mode_max(m):
    "mode='max': a higher metric is better (accuracy)"
    return _run(m, [0.25, 0.5, 0.5, 0.75, 0.625, 0.75, 0.8125, 0.8125], patience=3, mode="max")


@probe(judge=_steps_judge)
def mode_max_min_delta(m):
    "mode='max' with min_delta"
    return _run(m, [0.25, 0.375, 0.5, 0.5625, 0.75, 0.875, 0.875], patience=2, min_delta=0.125,
                mode="max")


@probe(judge=_steps_judge)
def patience_zero(m):
    "patience=0 stops at the first epoch without improvement"
    return _run(m, [3.0, 2.0, 1.0, 1.0, 0.5], patience=0)


@probe(judge=_steps_judge)
def patience_one(m):
    "patience=1"
    return _run(m, [3.0, 2.0, 2.5, 1.0, 1.5, 0.5], patience=1)


@probe(judge=_steps_judge)
def always_improving(m):
    "a strictly improving sequence never stops"
    return _run(m, [1.0 - k / 16 for k in range(12)], patience=1)


def _model() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _restore_judge(got, ref):
    for key, what in (("stops", "step() results"), ("first", "weights after restore()"),
                      ("second", "weights after a second restore() (after more training)")):
        if key not in got:
            return f"missing {key}"
        msg = compare(got[key], ref[key], rtol=1e-6, atol=1e-7)
        if msg:
            if key != "stops" and not compare(got[key], ref["last"], rtol=1e-6, atol=1e-7):
                return (f"{what} are the last epoch's weights, not the best epoch's "
                        "(a snapshot that shares storage with the live tensors?)")
            if key == "stops":
                return f"step() results during training differ: {msg}"
            return f"{what} differ from the best epoch's: {msg}"
    return None


@probe(public=True, judge=_restore_judge)
def restore_best_after_training(m):
    "train with SGD(momentum), step() every epoch, restore(): the best epoch's params and buffers"
    g = torch.Generator().manual_seed(6)
    model = _model()
    sd = {k: (torch.randn(v.shape, generator=g) * 0.5 if v.is_floating_point() else v.clone())
          for k, v in model.state_dict().items()}
    sd["1.running_var"] = sd["1.running_var"].abs() + 0.5
    model.load_state_dict(sd)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.randn(16, 3, generator=g), torch.randn(16, 2, generator=g)
    es = m.EarlyStopping(2, min_delta=0.0, mode="min")

    def epoch():
        for _ in range(3):
            opt.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            opt.step()

    # scripted validation losses: best at epoch 2, stop at epoch 4
    stops = []
    for metric in [0.75, 0.5, 0.375, 0.5, 0.4375, 0.25]:
        epoch()
        stops.append(es.step(metric, model))
        if stops[-1] is True:
            break
    last = _state(model)
    es.restore(model)
    first = _state(model)
    epoch()
    es.restore(model)
    second = _state(model)
    return {"stops": stops, "first": first, "second": second, "last": last}
