"""Probes for memmap_batches: real .npy files written with np.save (row i holds id i in column 0).
Single process: the batches, their shapes and values, the last partial batch, tensors that own
their memory (no warning, not a view of the file). Two and three DataLoader workers: every row
exactly once, in aligned contiguous batches, work shared evenly. The file is memory-mapped
read-only and once per pass while it is read (seen in /proc/self/maps, mmap.mmap calls counted),
and only when iteration starts (the dataset pickles small)."""

import mmap
import os
import pickle
import tempfile
import warnings
from collections import Counter

import numpy as np
import torch
from torch.utils.data import DataLoader, get_worker_info

from torchdojo.probes import compare, probe


def _write(n: int, f: int, seed: int = 0) -> str:
    """A seeded (n, f) float32 .npy file in a fresh temp dir; column 0 holds the row id."""
    a = np.random.default_rng(seed).standard_normal((n, f)).astype(np.float32)
    a[:, 0] = np.arange(n)  # exact in float32 for n < 2**24
    path = os.path.join(tempfile.mkdtemp(), "data.npy")
    np.save(path, a)
    return path


def _maps(path: str) -> list[tuple[int, int, str]]:
    """(start, end, perms) of every mapping of ``path`` in this process."""
    real, out = os.path.realpath(path), []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].strip() == real:
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                out.append((lo, hi, parts[1]))
    return out


def _as_obs(b) -> torch.Tensor:
    return b if isinstance(b, torch.Tensor) else torch.as_tensor(np.asarray(b))


def _single(m, n: int, f: int, batch_size: int) -> dict:
    """Iterate the dataset directly in this process; note warnings and views of the file."""
    path = _write(n, f)
    ds = m.MemmapBatches(path, batch_size)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batches = list(ds)
    maps = _maps(path)  # still there only if a yielded batch keeps the map alive
    views = [isinstance(b, torch.Tensor) and b.numel() > 0
             and any(lo <= b.data_ptr() < hi for lo, hi, _ in maps) for b in batches]
    return {"n": n, "f": f, "batch_size": batch_size,
            "types": [type(b).__module__.split(".")[0] + "." + type(b).__name__ for b in batches],
            "batches": [_as_obs(b) for b in batches], "views": views,
            "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}


def _shapes(obs: dict) -> list[tuple[int, ...]]:
    return [tuple(b.shape) for b in obs["batches"]]


def _single_judge(got, ref):
    bad = [t for t in got["types"] if t != "torch.Tensor"]
    if bad:
        return f"the dataset yielded {bad[0]} objects; expected torch.Tensor batches"
    if got["warnings"]:
        return (f"iterating the dataset raised a warning: {got['warnings'][0][:160]}; each "
                "batch must be a tensor with memory of its own")
    if any(got["views"]):
        return ("the yielded tensors are views of the memory-mapped file, not copies: they "
                "alias a read-only map (writing to one crashes); copy each slice")
    shapes, want = _shapes(got), _shapes(ref)
    where = f"{got['n']} rows of {got['f']} features, batch_size={got['batch_size']}"
    if shapes != want:
        return (f"{where}: got {len(shapes)} batch(es) of shapes {shapes[:3]}...{shapes[-1:]}, "
                f"expected {len(want)} batch(es) of shapes {want[:3]}...{want[-1:]}")
    dtypes = {str(b.dtype) for b in got["batches"]}
    if dtypes != {"torch.float32"}:
        return f"{where}: batches of dtype {sorted(dtypes)}, expected torch.float32"
    return compare(got["batches"], ref["batches"], rtol=0, atol=0, path="batches")


@probe(public=True, judge=_single_judge)
def single_process(m):
    "1000 rows x 5, batch_size=128, iterated in this process: 8 float32 batches (the last 104 rows), values, no warnings, no views of the file"
    return _single(m, 1000, 5, 128)


@probe(judge=_single_judge)
def last_batch_partial(m):
    "10 rows x 3, batch_size=4: shapes (4, 3), (4, 3), (2, 3)"
    return _single(m, 10, 3, 4)


@probe(judge=_single_judge)
def last_batch_full(m):
    "8 rows x 3, batch_size=4: exactly two batches, no empty third one"
    return _single(m, 8, 3, 4)


@probe(judge=_single_judge)
def one_short_batch(m):
    "3 rows x 6, batch_size=8: a single batch of shape (3, 6)"
    return _single(m, 3, 6, 8)


def _tag(item) -> tuple[int, object]:
    """collate_fn (batch_size=None: called per item, in the worker): who made this item.
    Anything but a 2-D tensor travels back as a short description (thousands of tiny shared
    tensors would exhaust the file descriptors)."""
    info = get_worker_info()
    wid = -1 if info is None else info.id
    if isinstance(item, torch.Tensor) and item.dim() == 2:
        return wid, item
    return wid, {"type": type(item).__name__, "shape": list(getattr(item, "shape", []))}


def _workers_judge(got, ref):
    n, f, bs, w = got["n"], got["f"], got["batch_size"], got["workers"]
    where = f"{n} rows, batch_size={bs}, num_workers={w}"
    ref_by_first = {int(b[0, 0]): b for _, b in ref["batches"]}
    per_worker: dict[int, list[int]] = {k: [] for k in range(w)}
    seen: Counter = Counter()
    for wid, b in got["batches"]:
        if not isinstance(b, torch.Tensor):
            return (f"{where}: a worker yielded a {b['type']} of shape {tuple(b['shape'])}; "
                    f"expected float32 tensors of shape (rows, {f})")
        if b.dim() != 2 or b.shape[0] == 0 or b.shape[1] != f:
            return f"{where}: a batch of shape {tuple(b.shape)}; expected (rows, {f}) with rows >= 1"
        if b.dtype != torch.float32:
            return f"{where}: a batch of dtype {b.dtype}; expected torch.float32"
        first = int(b[0, 0])
        if first % bs or first not in ref_by_first or b.shape != ref_by_first[first].shape:
            return (f"{where}: a batch starts at row {first} and has {b.shape[0]} rows; every "
                    f"batch must be the rows [k*{bs}, (k+1)*{bs}) of the file (the last one "
                    "clipped at the end)")
        why = compare(b, ref_by_first[first], rtol=0, atol=0)
        if why:
            return f"{where}: the batch starting at row {first} is not the file's rows: {why}"
        if wid not in per_worker:
            return f"{where}: a batch came from worker {wid}; expected workers 0 to {w - 1}"
        seen[first] += 1
        per_worker[wid].append(first)
    twice = sorted(k for k, c in seen.items() if c > 1)
    if twice:
        return (f"{where}: the batch starting at row {twice[0]} came {seen[twice[0]]} times "
                f"({len(twice)} batches came more than once); each worker must read only its "
                "own batches")
    missing = sorted(set(ref_by_first) - set(seen))
    if missing:
        return (f"{where}: {len(missing)} of {len(ref_by_first)} batches never came, e.g. the "
                f"one starting at row {missing[0]}")
    sizes = [len(per_worker[k]) for k in range(w)]
    if max(sizes) - min(sizes) > 1:
        return (f"{where}: the workers produced {sizes} batches; share the batches evenly "
                "(counts may differ by at most one)")
    for wid, firsts in per_worker.items():
        if firsts != sorted(firsts):
            return f"{where}: worker {wid} yielded its batches out of file order"
    return None


def _through_workers(m, n: int, f: int, bs: int, workers: int, seed: int) -> dict:
    """Every batch of a DataLoader with ``workers`` workers, tagged with its worker's id."""
    ds = m.MemmapBatches(_write(n, f, seed=seed), bs)
    with warnings.catch_warnings():  # 3 workers on a 2-core machine: torch's advice, not theirs
        warnings.filterwarnings("ignore", "This DataLoader will create", UserWarning)
        loader = DataLoader(ds, batch_size=None, num_workers=workers, collate_fn=_tag)
        batches = [list(x) for x in loader]
    return {"n": n, "f": f, "batch_size": bs, "workers": workers, "batches": batches}


@probe(public=True, judge=_workers_judge)
def two_workers(m):
    "5003 rows x 8, batch_size=500, DataLoader(batch_size=None, num_workers=2): every row exactly once, batches shared by both workers"
    return _through_workers(m, 5003, 8, 500, workers=2, seed=1)


@probe(judge=_workers_judge)
def three_workers(m):
    "1100 rows x 4, batch_size=100, num_workers=3: 11 batches, every one exactly once, shared 4/4/3 (not 3/3/5, not as if there were two workers)"
    return _through_workers(m, 1100, 4, 100, workers=3, seed=4)


def _mapped_judge(got, ref):
    if got["batches"] == 0:
        return "the dataset yielded nothing for a 131072-row file"
    if not got["perms"]:
        return ("while the batches were being read, the .npy file was not memory-mapped (no "
                "mapping of it in /proc/self/maps): a pass must slice a read-only memory map "
                "of the file, kept open for the whole pass, not read the file into memory")
    writable = [p for p in got["perms"] if "w" in p]
    if writable:
        return (f"the file is mapped with permissions {writable[0]!r}: map it read-only, the "
                "dataset never writes to it")
    if got["maps_opened"] > 1:
        return (f"the file was memory-mapped {got['maps_opened']} times for "
                f"{got['batches']} batches: map it once in __iter__ and slice that map for "
                "every batch of the pass")
    return None


@probe(judge=_mapped_judge)
def memory_mapped(m):
    "a 4 MiB file (131072 rows x 8, batch_size=8192): it is memory-mapped read-only, once, while the batches are read"
    path = _write(131072, 8, seed=2)
    perms, batches, opened = [], 0, [0]
    real_mmap = mmap.mmap

    def counting_mmap(*args, **kwargs):  # np.load(mmap_mode=...) maps through mmap.mmap
        opened[0] += 1
        return real_mmap(*args, **kwargs)

    mmap.mmap = counting_mmap
    try:
        for _ in m.MemmapBatches(path, 8192):
            batches += 1
            perms = [p for _, _, p in _maps(path)]  # during the pass, with the generator alive
            if batches == 3:
                break
    finally:
        mmap.mmap = real_mmap
    return {"perms": perms, "batches": batches, "maps_opened": opened[0]}


def _lazy_judge(got, ref):
    if got["mapped_after_init"]:
        return ("the file is already mapped right after MemmapBatches(path, ...) was built: "
                "open it in __iter__, in the process that iterates")
    if got["pickle_bytes"] > 64 * 1024:
        return (f"the dataset object pickles to {got['pickle_bytes'] / 2**20:.1f} MiB for a "
                f"{got['file_bytes'] / 2**20:.1f} MiB file: under spawn/forkserver this is "
                "what each worker would receive; keep only the path and sizes in the object")
    return None


@probe(judge=_lazy_judge)
def opens_lazily(m):
    "building MemmapBatches on a 4 MiB file maps nothing yet, and the dataset object pickles small"
    path = _write(131072, 8, seed=3)
    ds = m.MemmapBatches(path, 8192)
    return {"mapped_after_init": bool(_maps(path)), "pickle_bytes": len(pickle.dumps(ds)),
            "file_bytes": os.path.getsize(path)}
