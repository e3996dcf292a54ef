"""Probes for profiler_top_ops. Profiler times are noisy, so no probe compares a time with the
reference's: they compare operator NAMES and CALL COUNTS (deterministic for a fixed model and
schedule), the entry that must rank first when one region clearly dominates (a 30 ms sleep inside
record_function, or one large matmul), the order and units of the returned times as properties,
and the Chrome trace's contents (JSON with traceEvents, one labelled region per active step).
torch.cuda.is_available is replaced only inside a probe and restored in `finally:`."""

import json
import os
import tempfile
import time
import warnings

import torch
from torch import nn

from torchdojo.probes import probe, raised

SLEEP_S = 0.03


class _SlowBlock(nn.Module):
    """A small MLP with a region that sleeps: it dominates self CPU time by far."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 8)

    def forward(self, x):
        with torch.profiler.record_function("slow_block"):
            time.sleep(SLEEP_S)
        return torch.relu(self.fc(x))


def _trace_path() -> str:
    return os.path.join(tempfile.mkdtemp(), "traces", "run.json")


def _entries(out):
    """The returned entries as plain data; wrong shapes and types are shown by name."""
    if not isinstance(out, list):
        return f"<{type(out).__name__}>"
    rows = []
    for e in out:
        if not (isinstance(e, tuple) and len(e) == 3):
            return f"an entry <{type(e).__name__}> {str(e)[:60]}"
        name, t, n = e
        if type(name) is not str or type(t) is not float or type(n) is not int:
            return (f"an entry of types ({type(name).__name__}, {type(t).__name__}, "
                    f"{type(n).__name__})")
        rows.append([name, t, n])
    return rows


def _shape_msg(got) -> str | None:
    if isinstance(got, str):
        return ("profile_model must return a list of (name: str, self_cpu_us: float, calls: int) "
                f"tuples, got {got}")
    times = [t for _, t, _ in got]
    if any(t < 0 for t in times):
        return f"negative self CPU times: {times}"
    if times != sorted(times, reverse=True):
        return f"the entries are not sorted by self CPU time, most expensive first: {times}"
    return None


def _slow_judge(got, ref):
    why = _shape_msg(got["top"])
    if why:
        return why
    top, want = got["top"], ref["top"]
    if len(top) != len(want):
        return f"asked for k={len(want)} entries, got {len(top)}"
    if top[0][0] != want[0][0] or top[0][2] != want[0][2]:
        return (f"the region that sleeps {SLEEP_S * 1000:.0f} ms per step should rank first, "
                f"as ({want[0][0]!r}, ..., {want[0][2]} calls); got {top[0][0]!r} with "
                f"{top[0][2]} calls")
    low = 0.95 * want[0][2] * SLEEP_S * 1e6
    if not low <= top[0][1] <= 20 * low:
        return (f"{top[0][0]!r}: self CPU time {top[0][1]} for {want[0][2]} sleeps of "
                f"{SLEEP_S * 1000:.0f} ms; expected microseconds, about {low / 0.95:.0f}")
    return None


@probe(public=True, judge=_slow_judge)
def slow_region_first(m):
    "a model whose labelled region sleeps 30 ms: top 3 entries, steps=3, warmup=1"
    torch.manual_seed(0)
    out = m.profile_model(_SlowBlock(), torch.randn(4, 16), _mkdir(_trace_path()), steps=3,
                          warmup=1, k=3)
    return {"top": _entries(out)}


def _mkdir(path: str) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def _inventory_judge(got, ref):
    why = _shape_msg(got["top"])
    if why:
        return why
    calls = {name: n for name, _, n in got["top"]}
    want = {name: n for name, _, n in ref["top"]}
    if len(calls) != len(got["top"]):
        return "an entry name appears twice: use the averaged events (key_averages)"
    if calls != want:
        missing = sorted(set(want) - set(calls))
        extra = sorted(set(calls) - set(want))
        other = sorted(k for k in set(calls) & set(want) if calls[k] != want[k])
        return ("the profiled entries differ from the reference's: "
                f"missing {missing}, unexpected {extra}, other call counts for "
                + str({k: (calls[k], want[k]) for k in other}))
    if got["training_after"] != ref["training_after"]:
        return "the model's training flag was not restored"
    return None


@probe(judge=_inventory_judge)
def operator_inventory(m):
    "an MLP with Dropout (in training mode): every entry and its call count, steps=2, warmup=2"
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(12, 20), nn.ReLU(), nn.Dropout(0.5), nn.Linear(20, 3))
    out = m.profile_model(model, torch.randn(5, 12), _mkdir(_trace_path()), steps=2, warmup=2,
                          k=1000, label="mlp_forward")
    return {"top": _entries(out), "training_after": model.training}


def _matmul_judge(got, ref):
    why = _shape_msg(got["top"])
    if why:
        return why
    top, want = got["top"], ref["top"]
    if len(top) != len(want):
        return f"asked for k={len(want)} entries, got {len(top)}"
    if [top[0][0], top[0][2]] != [want[0][0], want[0][2]]:
        return (f"one large matmul dominates: expected ({want[0][0]!r}, ..., {want[0][2]} "
                f"calls) first, got ({top[0][0]!r}, ..., {top[0][2]} calls)")
    return None


@probe(judge=_matmul_judge)
def large_matmul_first(m):
    "a model with one large Linear layer: top 2 entries, steps=2, warmup=1"
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(512, 1024), nn.Tanh(), nn.Linear(1024, 2))
    out = m.profile_model(model, torch.randn(256, 512), _mkdir(_trace_path()), steps=2,
                          warmup=1, k=2, label="big")
    return {"top": _entries(out)}


@probe
def chrome_trace(m):
    "the Chrome trace file: JSON with traceEvents, the labelled region once per profiled step"
    path = _mkdir(_trace_path())
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(8, 8), nn.ReLU())
    m.profile_model(model, torch.randn(3, 8), path, steps=4, warmup=2, k=2, label="region_A")
    if not os.path.exists(path):
        return "no file at trace_path"
    try:
        with open(path) as f:
            data = json.load(f)
    except ValueError as exc:
        return f"not valid JSON ({type(exc).__name__})"
    events = data.get("traceEvents") if isinstance(data, dict) else None
    if not isinstance(events, list):
        return "no traceEvents list"
    names = [e.get("name") for e in events if isinstance(e, dict) and e.get("ph") == "X"]
    return {"label": names.count("region_A"),
            "steps": sum(isinstance(n, str) and n.startswith("ProfilerStep#") for n in names),
            "addmm": names.count("aten::addmm")}


def _patched_cuda(available: bool, call):
    real = torch.cuda.is_available
    torch.cuda.is_available = lambda: available
    try:
        return call()
    finally:
        torch.cuda.is_available = real


@probe
def activities(m):
    "profiler_activities() with and without CUDA (simulated)"
    out = []
    for available in (False, True):
        acts = _patched_cuda(available, m.profiler_activities)
        out.append([str(a) for a in acts] if isinstance(acts, list) else
                   f"<{type(acts).__name__}>")
    return out


@probe
def no_cuda_warning(m):
    "profiling on this CPU-only machine warns about nothing CUDA-related"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m.profile_model(nn.Linear(4, 2), torch.randn(2, 4), _mkdir(_trace_path()), steps=1,
                        warmup=0, k=1)
    return sorted({str(w.message)[:80] for w in caught if "cuda" in str(w.message).lower()})


@probe
def bad_arguments(m):
    "steps < 1, warmup < 0 or k < 1 is refused"
    def call(**kw):
        args = {"steps": 2, "warmup": 1, "k": 3} | kw
        return raised(lambda: m.profile_model(nn.Linear(2, 2), torch.randn(1, 2),
                                              _mkdir(_trace_path()), **args))
    return [call(steps=0), call(warmup=-1), call(k=0)]


