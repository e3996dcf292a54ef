"""Probes for checkpoint_resume. Each experiment trains a tiny MLP with Dropout (AdamW, a per-step
scheduler, a CPU GradScaler, a shuffled DataLoader on the global torch generator, NumPy noise and
Python-random feature drops) for 4 epochs, calling the learner's save_checkpoint at the end of
some epochs. Then it builds fresh objects (other weights), reseeds every generator to something
else, calls the learner's load_checkpoint and trains the remaining epochs. Both runs are
returned; the judge compares each with the reference's uninterrupted run, exactly."""

import math
import os
import random
import shutil
import tempfile

import numpy as np
import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

EPOCHS = 4
SCHEDULERS = {
    "step": lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
    "cosine": lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=12, eta_min=1e-3),
    "onecycle": lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05,
                                                                total_steps=5 * EPOCHS),
}


def _seed_all(seed: int) -> None:
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)


def _data(seed: int):
    g = torch.Generator().manual_seed(seed)
    x, y = torch.randn(20, 5, generator=g), torch.randint(0, 3, (20,), generator=g)
    xv, yv = torch.randn(8, 5, generator=g), torch.randint(0, 3, (8,), generator=g)
    return x, y, xv, yv


def _build(cfg: dict):
    """Model, optimizer, scheduler, scaler; the weights come from the global generator."""
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
    opt = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.05)
    sched = SCHEDULERS[cfg["sched"]](opt)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8, growth_interval=cfg["growth"],
                                  enabled=cfg["scaler"])
    return model, opt, sched, scaler


def _epoch(model, opt, sched, scaler, loader, xv, yv, best):
    """One epoch: dropout, shuffling, NumPy noise, Python-random feature drops; then validate."""
    model.train()
    lrs = []
    for xb, yb in loader:  # (4, 5), (4,)
        # 21 Gaussians per batch: NumPy's cached-Gaussian flag alternates between epochs
        noise = np.random.randn(*xb.shape) * (0.1 + 0.01 * np.random.randn())
        xb = xb + torch.from_numpy(noise.astype(np.float32))
        if random.random() < 0.5:
            xb[:, random.randrange(xb.shape[1])] = 0.0
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    model.eval()
    with torch.no_grad():
        val = nn.functional.cross_entropy(model(xv), yv).item()
    return lrs, min(best, val)


def _state(model, opt, scaler, lrs, best):
    group = opt.param_groups[0]
    return {
        "params": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "opt_state": {i: {k: v.clone() for k, v in s.items()}
                      for i, s in opt.state_dict()["state"].items()},
        "group": {"lr": group["lr"], "betas": list(group["betas"])},
        "scaler": scaler.state_dict(),
        "lrs": lrs,
        "best": best,
        # the next numbers each generator gives
        "draws": {"torch": torch.rand(3), "python": random.random(),
                  "numpy": float(np.random.rand())},
    }


def _experiment(m, seed: int, cfg: dict, saves: dict, resume_from: str, copy: bool = False):
    """Train EPOCHS epochs, saving after epoch e to saves[e]; resume from the file resume_from."""
    folder = tempfile.mkdtemp()
    x, y, xv, yv = _data(seed)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=4,
                                         shuffle=True)
    # the run that saves checkpoints and carries on
    _seed_all(seed)
    model, opt, sched, scaler = _build(cfg)
    best, lrs = math.inf, []
    for epoch in range(EPOCHS):
        epoch_lrs, best = _epoch(model, opt, sched, scaler, loader, xv, yv, best)
        lrs.append(epoch_lrs)
        if epoch in saves:
            m.save_checkpoint(os.path.join(folder, saves[epoch]), model, opt, sched, scaler,
                              epoch, best)
    straight = _state(model, opt, scaler, lrs, best)
    listing = sorted(os.listdir(folder))
    path = os.path.join(folder, resume_from)
    if copy:  # the checkpoint moves to another folder; the original is gone
        other = os.path.join(tempfile.mkdtemp(), "moved.ckpt")
        shutil.copyfile(path, other)
        os.remove(path)
        path = other
    # a new process, in effect: other weights, other random streams
    _seed_all(seed + 1000)
    model, opt, sched, scaler = _build(cfg)
    _seed_all(seed + 2000)
    start, best = m.load_checkpoint(path, model, opt, sched, scaler)
    out = {"start_type": type(start).__name__, "best_type": type(best).__name__,
           "start": start if type(start) is int else None,
           "best": best if type(best) is float else None}
    if type(start) is int and 0 <= start <= EPOCHS:
        lrs = [None] * start
        for _ in range(start, EPOCHS):
            epoch_lrs, best = _epoch(model, opt, sched, scaler, loader, xv, yv, best)
            lrs.append(epoch_lrs)
        out["state"] = _state(model, opt, scaler, lrs, best)
    return {"straight": straight, "listing": listing, "resumed": out}


_PARTS = (("lrs", "the learning rates"), ("params", "the model's parameters"),
          ("opt_state", "the optimizer's state (AdamW's moments and steps)"),
          ("group", "the optimizer's lr/betas"), ("scaler", "the GradScaler's state"),
          ("best", "the best validation loss"))
_DRAWS = {"torch": "torch's generator", "python": "Python's random module",
          "numpy": "NumPy's global generator"}


def _diff(got: dict, ref: dict, first_epoch: int = 0) -> str | None:
    """Which part of a run's end state differs from the reference's uninterrupted run."""
    for key, what in _PARTS:
        g, r = got[key], ref[key]
        if key == "lrs":
            for e in range(first_epoch, len(r)):
                if compare(g[e], r[e], rtol=0, atol=0):
                    return f"{what} of epoch {e} differ from the uninterrupted run's"
            continue
        why = compare(g, r, rtol=0, atol=0)
        if why:
            return f"{what} at the end differ from the uninterrupted run's ({why})"
    for key, what in _DRAWS.items():
        if compare(got["draws"][key], ref["draws"][key], rtol=0, atol=0):
            return f"after training, {what} gives other numbers than in the uninterrupted run"
    return None


def _judge(saved_epoch: int):
    def judge(got, ref):
        ref_run = ref["straight"]
        why = _diff(got["straight"], ref_run)
        if why:
            return ("the run that called save_checkpoint did not go on as if it had not saved: "
                    + why)
        if got["listing"] != ref["listing"]:
            return (f"after the saves the folder holds {got['listing']}, expected only "
                    f"{ref['listing']}")
        res = got["resumed"]
        if res["start_type"] != "int" or res["best_type"] != "float":
            return ("load_checkpoint must return (int, float), got "
                    f"({res['start_type']}, {res['best_type']})")
        if res["start"] != ref["resumed"]["start"]:
            return (f"the checkpoint was saved at the end of epoch {saved_epoch}; "
                    f"load_checkpoint returned {res['start']} as the epoch to start from")
        if compare(res["best"], ref["resumed"]["best"], rtol=0, atol=0):
            return f"load_checkpoint returned best={res['best']!r}, not the saved best loss"
        why = _diff(res["state"], ref_run, first_epoch=res["start"])
        return None if why is None else "after resuming, " + why
    return judge


@probe(public=True, judge=_judge(1))
def resume_after_epoch_1(m):
    "save after epoch 1 of 4 (StepLR per step, enabled scaler), resume into fresh objects"
    cfg = {"sched": "step", "scaler": True, "growth": 2}
    return _experiment(m, 11, cfg, saves={1: "ckpt.pt"}, resume_from="ckpt.pt")


@probe(judge=_judge(0))
def resume_after_epoch_0(m):
    "save after epoch 0 of 4 (CosineAnnealingLR per step, enabled scaler), resume"
    cfg = {"sched": "cosine", "scaler": True, "growth": 3}
    return _experiment(m, 12, cfg, saves={0: "ckpt.pt"}, resume_from="ckpt.pt")


@probe(judge=_judge(2))
def resume_disabled_scaler(m):
    "a disabled GradScaler and OneCycleLR (it also moves AdamW's betas), save after epoch 2"
    cfg = {"sched": "onecycle", "scaler": False, "growth": 2}
    return _experiment(m, 13, cfg, saves={2: "ckpt.pt"}, resume_from="ckpt.pt")


@probe(judge=_judge(0))
def resume_older_moved_checkpoint(m):
    "a checkpoint every epoch (one file overwritten, one kept); the older one is moved and resumed"
    cfg = {"sched": "step", "scaler": True, "growth": 1}
    saves = {0: "epoch0.pt", 1: "last.pt", 2: "last.pt", 3: "last.pt"}
    return _experiment(m, 14, cfg, saves=saves, resume_from="epoch0.pt", copy=True)


def _trained(seed: int):
    """A model, optimizer, scheduler and scaler after a few steps."""
    _seed_all(seed)
    x, y, xv, yv = _data(seed)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=4,
                                         shuffle=True)
    objs = _build({"sched": "step", "scaler": True, "growth": 2})
    _epoch(*objs, loader, xv, yv, math.inf)
    return objs


def _file_judge(got, ref):
    if got["load"] is not None:
        return (f"torch.load(path, weights_only=True) refuses the checkpoint ({got['load']}): "
                "save plain data only")
    if got["listing"] != ref["listing"]:
        return f"after one save the folder holds {got['listing']}, expected only {ref['listing']}"
    if got["returned"] != ref["returned"]:
        return ("load_checkpoint must return (epoch + 1, best) as (int, float), got "
                f"{got['returned']}")
    if got["pickled"] != ref["pickled"]:
        return ("load_checkpoint on a file holding a pickled Python object should raise "
                f"{ref['pickled']} (torch.load with weights_only=True), got {got['pickled']}")
    return None


@probe(public=True, judge=_file_judge)
def plain_data_file(m):
    "the file loads with weights_only=True; best=inf at epoch 6; a pickled object is refused"
    from fractions import Fraction

    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "ckpt.pt")
    m.save_checkpoint(path, *_trained(21), 6, math.inf)
    listing = sorted(os.listdir(folder))
    load = raised(lambda: torch.load(path, weights_only=True))
    out = m.load_checkpoint(path, *_build({"sched": "step", "scaler": True, "growth": 2}))
    returned = ([type(v).__name__ for v in out], list(out)) if isinstance(out, tuple) else repr(out)
    evil = os.path.join(folder, "evil.pt")
    torch.save({"model": Fraction(1, 3)}, evil)
    pickled = raised(lambda: m.load_checkpoint(evil, *_build(
        {"sched": "step", "scaler": True, "growth": 2})))
    return {"load": load, "listing": listing, "returned": returned, "pickled": pickled}


class _Unpicklable:
    """Stands for a state that cannot be written: pickling it fails part-way through a save."""

    def __reduce__(self):
        raise RuntimeError("simulated failure while writing the checkpoint")


def _atomic_judge(got, ref):
    if got["error"] != ref["error"]:
        return (f"a save that fails while writing should let the error through "
                f"({ref['error']}), got {got['error']}")
    if got["listing"] != ref["listing"]:
        return (f"after the failed save the folder holds {got['listing']}, expected "
                f"{ref['listing']} (the previous checkpoint and no temporary file)")
    if got["load"] is not None:
        return f"after the failed save the previous checkpoint cannot be loaded ({got['load']})"
    why = compare(got["restored"], ref["restored"], rtol=0, atol=0)
    if why:
        return f"after the failed save the file no longer holds the previous checkpoint ({why})"
    return None


@probe(judge=_atomic_judge)
def failed_save_keeps_previous(m):
    "a save that fails part-way: the error propagates, the previous checkpoint survives intact"
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "ckpt.pt")
    model, opt, sched, scaler = _trained(31)
    m.save_checkpoint(path, model, opt, sched, scaler, 0, 0.5)
    for p in model.parameters():  # training moves on
        p.data.add_(1.0)
    opt.param_groups[0]["note"] = _Unpicklable()
    error = raised(lambda: m.save_checkpoint(path, model, opt, sched, scaler, 1, 0.25))
    listing = sorted(os.listdir(folder))
    fresh = _build({"sched": "step", "scaler": True, "growth": 2})
    try:
        start, best = m.load_checkpoint(path, *fresh)
        load = None
    except Exception as exc:  # noqa: BLE001 - a destroyed file is the observation
        start, best, load = None, None, type(exc).__name__
    restored = {"start": start, "best": best,
                "params": {k: v.clone() for k, v in fresh[0].state_dict().items()}}
    return {"error": error, "listing": listing, "load": load, "restored": restored}
