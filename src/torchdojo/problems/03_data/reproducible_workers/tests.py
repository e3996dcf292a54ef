"""Probes for reproducible_workers: DataLoader(num_workers=2) runs in forked workers inside the
check. A dataset draws "augmentation noise" from four sources (numpy's global RNG, Python's
random, a numpy Generator it owns, torch's RNG); the judges check that a run is reproducible from
its seed, and that workers, epochs and seeds get different noise. set_seed and seed_worker are
also called directly and compared with the reference."""

import random

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset, get_worker_info

from torchdojo.probes import compare, probe

SOURCES = {2: "numpy's global RNG (np.random)", 3: "Python's random",
           4: "the dataset's own generator (self.rng)", 5: "torch's RNG"}


class NoisyDataset(Dataset):
    """Sample i: (i, worker id, noise from np.random, random, self.rng, torch), as float64."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rng = np.random.default_rng(1234)  # owned by the dataset, copied into each worker

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> torch.Tensor:
        info = get_worker_info()
        wid = -1 if info is None else info.id
        return torch.tensor([i, wid, np.random.random(), random.random(), self.rng.random(),
                             float(torch.rand(()))], dtype=torch.float64)


def _run(loader) -> torch.Tensor:
    """One epoch: (N, 6) rows in the order they arrived."""
    return torch.cat(list(loader))


def _stream(rows: torch.Tensor, worker: int, col: int) -> torch.Tensor:
    """The noise one worker drew from one source, in the order it drew it."""
    return rows[rows[:, 1] == worker][:, col]


def _epoch_problem(rows: torch.Tensor, n: int) -> str | None:
    idx = rows[:, 0].long().tolist()
    if sorted(idx) != list(range(n)):
        return f"one epoch gave {len(idx)} samples, not each of the {n} indices exactly once"
    if idx == list(range(n)):
        return "the epoch came in the order 0, 1, 2, ...: the loader must shuffle"
    workers = sorted(set(rows[:, 1].long().tolist()))
    if workers == [-1]:
        return ("every sample was loaded in the main process (get_worker_info() was None): "
                "make_loader must use num_workers worker processes")
    if workers != [0, 1]:
        return f"expected samples from workers [0, 1] with num_workers=2, got {workers}"
    return None


def _same_stream(a: torch.Tensor, b: torch.Tensor) -> bool:
    k = min(len(a), len(b))
    return k > 0 and torch.equal(a[:k], b[:k])


def _fmt(t: torch.Tensor, k: int = 3) -> str:
    return "[" + ", ".join(f"{v:.4f}" for v in t[:k].tolist()) + ", ...]"


def _same_seed_judge(got, ref):
    for rows in (got["first"], got["second"]):
        why = _epoch_problem(rows, got["n"])
        if why:
            return why
    a, b = got["first"], got["second"]
    if not torch.equal(a[:, 0], b[:, 0]):
        return ("two loaders made with seed=5 (both built, then run in turn) gave different "
                "orders: the order must depend on the seed alone, not on the global RNG")
    for col, name in SOURCES.items():
        if not torch.equal(a[:, col], b[:, col]):
            return (f"two loaders made with seed=5 gave the same order but different noise from "
                    f"{name}: the workers' seeds must follow from the loader's seed")
    return None


@probe(public=True, judge=_same_seed_judge)
def same_seed_same_run(m):
    "two loaders with seed=5 and num_workers=2 give the same order and the same noise"
    ds = NoisyDataset(16)
    loaders = [m.make_loader(ds, batch_size=2, seed=5, num_workers=2) for _ in range(2)]
    first, second = (_run(dl) for dl in loaders)
    return {"n": 16, "first": first, "second": second}


def _workers_judge(got, ref):
    rows = got["rows"]
    why = _epoch_problem(rows, got["n"])
    if why:
        return why
    for col, name in SOURCES.items():
        w0, w1 = _stream(rows, 0, col), _stream(rows, 1, col)
        if _same_stream(w0, w1):
            return (f"worker 0 and worker 1 drew the same noise from {name} ({_fmt(w0)}): "
                    "every worker needs a different seed")
    return None


@probe(judge=_workers_judge)
def workers_get_different_noise(m):
    "in one epoch, worker 0 and worker 1 draw different noise from every random source"
    dl = m.make_loader(NoisyDataset(16), batch_size=2, seed=3, num_workers=2)
    return {"n": 16, "rows": _run(dl)}


def _epochs_judge(got, ref):
    e1, e2 = got["epoch1"], got["epoch2"]
    for rows in (e1, e2):
        why = _epoch_problem(rows, got["n"])
        if why:
            return why
    for col, name in SOURCES.items():
        for w in (0, 1):
            if _same_stream(_stream(e1, w, col), _stream(e2, w, col)):
                return (f"worker {w} drew the same noise from {name} in epoch 1 and epoch 2 "
                        f"({_fmt(_stream(e1, w, col))}): the augmentation would repeat every "
                        "epoch; the worker seeds must change from epoch to epoch")
    return None


@probe(judge=_epochs_judge)
def epochs_get_different_noise(m):
    "two epochs of one loader: each worker draws new noise in the second epoch"
    dl = m.make_loader(NoisyDataset(16), batch_size=2, seed=4, num_workers=2)
    return {"n": 16, "epoch1": _run(dl), "epoch2": _run(dl)}


def _seeds_judge(got, ref):
    a, b = got["seed1"], got["seed2"]
    for rows in (a, b):
        why = _epoch_problem(rows, got["n"])
        if why:
            return why
    if torch.equal(a[:, 0], b[:, 0]):
        return "seeds 1 and 2 gave the same order: the seed must decide the shuffling"
    for col, name in SOURCES.items():
        if _same_stream(_stream(a, 0, col), _stream(b, 0, col)):
            return (f"with seeds 1 and 2, worker 0 drew the same noise from {name} "
                    f"({_fmt(_stream(a, 0, col))}): the worker seeds must depend on the seed")
    return None


@probe(judge=_seeds_judge)
def seeds_give_different_runs(m):
    "seed=1 and seed=2 give different orders and different noise"
    ds = NoisyDataset(16)
    a = _run(m.make_loader(ds, batch_size=2, seed=1, num_workers=2))
    b = _run(m.make_loader(ds, batch_size=2, seed=2, num_workers=2))
    return {"n": 16, "seed1": a, "seed2": b}


def _direct_judge(got, ref):
    for s, draws in ref.items():
        for key in draws:
            if compare(got[s][key], draws[key]) is not None:
                return (f"after torch.manual_seed({s}) and seed_worker(0), the next {key} draws "
                        f"were {got[s][key]}, expected {draws[key]}: seed it with "
                        "torch.initial_seed() % 2**32")
    return None


@probe(judge=_direct_judge)
def seed_worker_called_directly(m):
    "after torch.manual_seed(s), seed_worker(0) in the main process: the next draws of np.random and random"
    out = {}
    for s in (7, 2**40 + 3):
        torch.manual_seed(s)
        m.seed_worker(0)
        out[str(s)] = {"np.random": np.random.randint(0, 2**31, size=3).tolist(),
                       "random": [random.random() for _ in range(3)]}
    return out


def _set_seed_judge(got, ref):
    for key in ("cudnn.deterministic", "cudnn.benchmark"):
        if got[key] != ref[key]:
            return f"after set_seed, torch.backends.{key} is {got[key]}, expected {ref[key]}"
    for key in ("random", "np.random", "torch"):
        if compare(got[key], ref[key]) is not None:
            return (f"after set_seed(11) the next {key} draws differ from those of a generator "
                    f"seeded with 11 (got {got[key]}, expected {ref[key]}): seed {key} too")
    return None


@probe(judge=_set_seed_judge)
def set_seed_global_generators(m):
    "set_seed(11): the next draws of random, np.random and torch, and the cuDNN flags"
    flags = (torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)
    try:
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = False, True
        m.set_seed(11)
        return {"random": [random.random() for _ in range(2)],
                "np.random": np.random.rand(3),
                "torch": torch.rand(3),
                "cudnn.deterministic": torch.backends.cudnn.deterministic,
                "cudnn.benchmark": torch.backends.cudnn.benchmark}
    finally:
        torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = flags


def _run_twice_judge(got, ref):
    for key in ("weight", "order"):
        if compare(got["first"][key], got["second"][key]) is not None:
            return f"two runs after set_seed(3) gave different {key}s: the run is not reproducible"
    return compare(got, ref)


@probe(judge=_run_twice_judge)
def set_seed_makes_runs_repeat(m):
    "set_seed(3), then nn.Linear(4, 2) and a shuffled DataLoader (num_workers=0), twice: identical runs"
    ds = TensorDataset(torch.arange(10))
    runs = []
    for _ in range(2):
        m.set_seed(3)
        weight = nn.Linear(4, 2).weight.detach().clone()
        order = [int(v) for (b,) in DataLoader(ds, batch_size=3, shuffle=True) for v in b]
        runs.append({"weight": weight, "order": order})
    return {"first": runs[0], "second": runs[1]}


@probe
def num_workers_argument(m):
    "make_loader(..., num_workers=0) and num_workers=1: which processes load the samples, and the order"
    ds = NoisyDataset(8)
    out = {}
    for k in (0, 1):
        rows = _run(m.make_loader(ds, batch_size=2, seed=6, num_workers=k))
        out[f"num_workers={k}"] = {"workers": sorted(set(rows[:, 1].long().tolist())),
                                   "order": rows[:, 0].long().tolist()}
    return out


class TorchRngDataset(Dataset):
    """Sample i: (i, a draw from the dataset's own torch.Generator), as float64."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rng = torch.Generator().manual_seed(99)  # an rng that is not a numpy Generator

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> torch.Tensor:
        return torch.tensor([i, float(torch.rand((), generator=self.rng))], dtype=torch.float64)


@probe
def other_rng_left_alone(m):
    "a dataset whose rng attribute is a torch.Generator, loaded with num_workers=2"
    return _run(m.make_loader(TorchRngDataset(8), batch_size=2, seed=8, num_workers=2))
