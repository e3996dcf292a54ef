"""Probes for debug_slow_training: the encoding's values (also in float64), its one
non-persistent buffer `pe` that forward reads, the number of tensor operations it costs at two
sizes, accuracy's value, type and host transfers, and a source check for Python loops.

Operations and host transfers are counted with a TorchFunctionMode around the learner's call:
counts, not wall-clock time, so a loaded grading machine cannot make them flaky."""

import torch
from torch.overrides import TorchFunctionMode

from torchdojo.probes import compare, parse_source, probe, python_loops, source_probe

ENC_TOL = {"rtol": 1e-5, "atol": 1e-4}
ACC_TOL = {"rtol": 1e-6, "atol": 0.0}
# Tensor methods that copy data to the host (on a GPU each one waits for the device).
SYNCS = {"item", "tolist", "cpu", "numpy", "__float__", "__int__", "__bool__", "__index__",
         "__complex__"}


class _Count(TorchFunctionMode):
    """Counts the torch functions and Tensor methods called (not the ones they call inside)."""

    def __init__(self) -> None:
        super().__init__()
        self.ops = 0
        self.syncs = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.ops += 1
        if getattr(func, "__name__", "") in SYNCS:
            self.syncs += 1
        return func(*args, **(kwargs or {}))


def _x(seed: int, shape: tuple[int, ...], dtype=torch.float32) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g, dtype=dtype)


@probe(public=True, **ENC_TOL)
def encoding_values(m):
    "dim=8, max_len=16, a (2, 10, 8) batch: x + PE[:10]"
    enc = m.SinusoidalEncoding(8, 16)
    return enc(_x(1, (2, 10, 8)))


@probe(**ENC_TOL)
def encoding_full_length(m):
    "T = max_len, for dim=6 / max_len=50 and dim=32 / max_len=40"
    a = m.SinusoidalEncoding(6, 50)(_x(2, (3, 50, 6)))
    b = m.SinusoidalEncoding(32, 40)(_x(3, (1, 40, 32)))
    return [a, b]


@probe(**ENC_TOL)
def encoding_short_sequence(m):
    "T = 1 and T = 3 on a dim=4, max_len=64 encoding"
    enc = m.SinusoidalEncoding(4, 64)
    return [enc(_x(4, (5, 1, 4))), enc(_x(5, (2, 3, 4)))]


def _buffers_judge(got, ref):
    if got["buffers"] != ref["buffers"]:
        return f"expected exactly the buffers {ref['buffers']} (name, shape), got {got['buffers']}"
    if got["state_keys"] != ref["state_keys"]:
        return (f"state_dict() should hold the keys {ref['state_keys']}, got {got['state_keys']} "
                "(the table is a constant: keep it out of checkpoints)")
    msg = compare(got["out"], ref["out"], **ENC_TOL)
    if msg:
        return ("after the test overwrote the buffer `pe`, forward's output did not follow it "
                f"(forward must read self.pe, not rebuild the table): {msg}")
    return None


@probe(judge=_buffers_judge)
def encoding_buffer(m):
    "buffers and state_dict keys of a dim=4, max_len=6 encoding; forward reads the buffer pe"
    enc = m.SinusoidalEncoding(4, 6)
    buffers = [[n, list(b.shape)] for n, b in enc.named_buffers()]
    keys = sorted(enc.state_dict().keys())
    with torch.no_grad():
        enc.pe.copy_(_x(6, (6, 4)))  # a table only the buffer knows
    return {"buffers": buffers, "state_keys": keys, "out": enc(_x(7, (2, 5, 4)))}


def _float64_judge(got, ref):
    if got["pe_dtype"] != ref["pe_dtype"]:
        return f"after .to(torch.float64) the buffer pe should be {ref['pe_dtype']}, got {got['pe_dtype']}"
    msg = compare(got["out"], ref["out"], **ENC_TOL)
    return f"output after .to(torch.float64) differs: {msg}" if msg else None


@probe(judge=_float64_judge)
def encoding_float64(m):
    "the encoding moved with .to(torch.float64) and a float64 batch"
    enc = m.SinusoidalEncoding(10, 20).to(torch.float64)
    pe = getattr(enc, "pe", None)
    return {"pe_dtype": str(pe.dtype) if isinstance(pe, torch.Tensor) else None,
            "out": enc(_x(8, (2, 12, 10), torch.float64))}


def _work_judge(got, ref):
    for part, what in (("build", "building the table"), ("forward", "forward")):
        small, large = got[part]
        if large > small + 4:
            return (f"the tensor operations spent in {what} grow with the size: {small} for the "
                    f"small case, {large} for the large one (per-element work is left)")
    return None


@probe(judge=_work_judge)
def encoding_work(m):
    "tensor operations counted: building dim=4/max_len=8 vs dim=32/max_len=256, forward T=2 vs 256"
    counts = {"build": [], "forward": []}
    for dim, max_len, T in ((4, 8, 2), (32, 256, 256)):
        with _Count() as c:
            enc = m.SinusoidalEncoding(dim, max_len)
        counts["build"].append(c.ops)
        x = _x(9, (2, T, dim))
        with _Count() as c:
            enc(x)
        counts["forward"].append(c.ops)
    return counts


def _logits(seed: int, n: int, c: int):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, c, generator=g), torch.randint(0, c, (n,), generator=g)


def _acc_judge(got, ref):
    if not isinstance(got, list) or len(got) != len(ref):
        return "could not read the results"
    for i, (g, r) in enumerate(zip(got, ref, strict=True)):
        if type(g) is not float:
            return f"accuracy must return a Python float, got {type(g).__name__} (batch {i})"
        msg = compare(g, r, **ACC_TOL)
        if msg:
            return f"accuracy of batch {i} differs: {msg}"
    return None


@probe(judge=_acc_judge)
def accuracy_values(m):
    "accuracy on seeded batches of 10 x 4 and 7 x 3 logits"
    return [m.accuracy(*_logits(10, 10, 4)), m.accuracy(*_logits(11, 7, 3))]


@probe(judge=_acc_judge)
def accuracy_edge_cases(m):
    "all rows right, no row right, a single row"
    logits, _ = _logits(12, 6, 5)
    right = logits.argmax(dim=1)
    wrong = (right + 1) % 5
    one, t = _logits(13, 1, 5)
    return [m.accuracy(logits, right), m.accuracy(logits, wrong), m.accuracy(one, t)]


def _sync_judge(got, ref):
    msg = _acc_judge([got["value"]], [ref["value"]])
    if msg:
        return msg
    if got["syncs"] > 2:
        return (f"one accuracy() call on N=300 rows made {got['syncs']} host transfers "
                "(item/tolist/cpu/float()...); expected at most 2, whatever N is")
    return None


@probe(public=True, judge=_sync_judge)
def accuracy_host_transfers(m):
    "host transfers (item, tolist, cpu, float() ...) counted in one call on 300 x 10 logits"
    logits, targets = _logits(14, 300, 10)
    with _Count() as c:
        value = m.accuracy(logits, targets)
    return {"value": value, "syncs": c.syncs}


@source_probe
def no_python_loops(source):
    "the module contains no Python loop (for/while, comprehension, generator, map/filter)"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = python_loops(tree)
    if found:
        return f"found {found}: express the work as whole-tensor operations"
    return None
