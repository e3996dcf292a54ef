"""Probes for tensorboard_scalars.

Every probe builds a seeded model (weights loaded strictly, stale gradients left in .grad), the
optimizer and the scheduler, calls the learner's log_run with a fresh log_dir in scratch, and
then reads the results back: the files under log_dir, the SummaryWriter threads still running,
the scalars and histograms through tensorboard's EventAccumulator, and the model's state. The
worker compares them with the reference's (event files hold float32: rtol 1e-5). tensorboard is
imported inside the probes only (the worker loads this file too).
"""

import os
import tempfile
import threading

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-7}


def _model(kind: str, seed: int, d_in: int, d_out: int):
    """A probe-made model (seeded weights, stale grads) and seeded train/val regression data."""
    g = torch.Generator().manual_seed(seed)
    if kind == "linear":
        model = nn.Linear(d_in, d_out)
    else:
        model = nn.Sequential(nn.Linear(d_in, 6), nn.BatchNorm1d(6), nn.Tanh(),
                              nn.Linear(6, d_out))
    sd = {k: torch.randn(v.shape, generator=g) * 0.5 if v.is_floating_point() else v.clone()
          for k, v in model.state_dict().items()}
    for k in sd:
        if k.endswith("running_var"):
            sd[k] = sd[k].abs() + 0.5
    model.load_state_dict(sd, strict=True)
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=g) * 10.0  # stale: must be cleared
    w = torch.randn(d_in, d_out, generator=g)
    x, x_val = torch.randn(16, d_in, generator=g), torch.randn(8, d_in, generator=g)
    y = x @ w + 0.1 * torch.randn(16, d_out, generator=g)
    y_val = x_val @ w + 0.1 * torch.randn(8, d_out, generator=g)
    return model, (x, y), (x_val, y_val)


def _writer_threads():
    from tensorboard.summary.writer.event_file_writer import _AsyncWriterThread

    return {t.ident for t in threading.enumerate()
            if isinstance(t, _AsyncWriterThread) and t.is_alive()}


def _read_back(log_dir: str):
    """Files, scalars and histograms under log_dir, as plain data."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    if not os.path.isdir(log_dir):
        return {"exists": False}
    files = [os.path.relpath(os.path.join(root, f), log_dir)
             for root, _, names in os.walk(log_dir) for f in names]
    obs = {"exists": True,
           "event_files": sum(1 for f in files if os.sep not in f and "tfevents" in f),
           "subfolders": sorted({os.path.dirname(f) for f in files if os.sep in f})}
    acc = EventAccumulator(log_dir, size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    tags = acc.Tags()
    obs["scalars"] = {}
    for tag in sorted(tags["scalars"]):
        events = acc.Scalars(tag)
        obs["scalars"][tag] = {"steps": [int(e.step) for e in events],
                               "values": torch.tensor([e.value for e in events],
                                                      dtype=torch.float64)}
    obs["histograms"] = {}
    for tag in sorted(tags["histograms"]):
        events = acc.Histograms(tag)
        obs["histograms"][tag] = {"steps": [int(e.step) for e in events]}
        for field in ("num", "min", "max", "sum"):
            obs["histograms"][tag][field] = torch.tensor(
                [getattr(e.histogram_value, field) for e in events], dtype=torch.float64)
    return obs


def _run(m, log_dir, kind, seed, d_in, d_out, make_opt, make_sched, epochs):
    model, train, val = _model(kind, seed, d_in, d_out)
    opt = make_opt(model.parameters())
    sched = make_sched(opt)
    before = _writer_threads()
    m.log_run(log_dir, model, opt, sched, train, val, epochs)
    obs = {"running_writers": len(_writer_threads() - before)}
    obs.update(_read_back(log_dir))
    obs["state"] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    return obs


def _judge_run(got, ref):
    if not got["exists"]:
        return "log_dir does not exist after the call (nothing was written there)"
    if got["subfolders"]:
        return (f"log_dir should hold one event file and no sub-folders, found sub-folders "
                f"{got['subfolders']}")
    if got["event_files"] != 1:
        return (f"expected exactly one event file in log_dir (one SummaryWriter for the whole "
                f"run), found {got['event_files']}")
    if got["running_writers"]:
        return (f"{got['running_writers']} SummaryWriter(s) still running after log_run "
                "returned: close the writer")
    for kind in ("scalars", "histograms"):
        g, r = got[kind], ref[kind]
        if sorted(g) != sorted(r):
            return f"expected the {kind[:-1]} tags {sorted(r)}, got {sorted(g)}"
        for tag in r:
            if g[tag]["steps"] != r[tag]["steps"]:
                return (f"{kind[:-1]} '{tag}': expected steps {r[tag]['steps']}, "
                        f"got {g[tag]['steps']}")
            for field in r[tag]:
                if field == "steps":
                    continue
                msg = compare(g[tag][field], r[tag][field], **TOL)
                if msg:
                    what = "values" if field == "values" else f"histogram {field}"
                    return f"{kind[:-1]} '{tag}' {what} differ: {msg}"
    for k, v in ref["state"].items():
        msg = compare(got["state"].get(k), v, **TOL)
        if msg:
            return f"the model's {k} after the run differs: {msg}"
    return None


def _sgd(lr, momentum=0.0):
    return lambda params: torch.optim.SGD(params, lr=lr, momentum=momentum)


@probe(public=True, judge=_judge_run)
def linear_step_lr(m):
    "nn.Linear(3, 1), SGD(lr=0.1), StepLR(step_size=2, gamma=0.5), 5 epochs, new log_dir"
    log_dir = os.path.join(tempfile.mkdtemp(), "run")
    return _run(m, log_dir, "linear", 1, 3, 1, _sgd(0.1),
                lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5), 5)


@probe(judge=_judge_run)
def mlp_batchnorm_exponential(m):
    "an MLP with BatchNorm1d, SGD(momentum=0.9), ExponentialLR, 6 epochs, existing log_dir"
    return _run(m, tempfile.mkdtemp(), "mlp", 2, 4, 2, _sgd(0.05, 0.9),
                lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.7), 6)


@probe(judge=_judge_run)
def multistep_two_outputs(m):
    "nn.Linear(4, 2), MultiStepLR(milestones=[1, 3], gamma=0.1), 4 epochs"
    log_dir = os.path.join(tempfile.mkdtemp(), "logs", "exp1")
    return _run(m, log_dir, "linear", 3, 4, 2, _sgd(0.2),
                lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[1, 3], gamma=0.1),
                4)


@probe(judge=_judge_run)
def single_epoch(m):
    "one epoch of the BatchNorm MLP"
    return _run(m, tempfile.mkdtemp(), "mlp", 4, 3, 1, _sgd(0.1),
                lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.5), 1)


def _judge_two(got, ref):
    for i in range(2):
        msg = _judge_run(got[i], ref[i])
        if msg:
            return f"run {i + 1}: {msg}"
    return None


@probe(judge=_judge_two)
def two_runs(m):
    "two runs in a row into two log_dirs: each holds only its own run"
    root = tempfile.mkdtemp()
    first = _run(m, os.path.join(root, "a"), "mlp", 5, 2, 1, _sgd(0.1, 0.5),
                 lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.1), 7)
    second = _run(m, os.path.join(root, "b"), "linear", 6, 2, 3, _sgd(0.3),
                  lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), 3)
    return [first, second]
