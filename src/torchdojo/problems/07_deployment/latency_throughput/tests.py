"""Probes for latency_throughput. No probe reads a real clock for the numbers it compares: a fake
clock (`timer`) and a fake model advance simulated time by a seeded duration per call, so the
statistics are exact and compared with the reference's (rtol 1e-9). A simulated GPU is an input
whose `device` is cuda: the fake model then only queues its work and the clock moves when `sync`
(or the replaced `torch.cuda.synchronize`) runs it, as with real asynchronous kernels. Every
model call, sync and clock read is logged, so the warm-up count and the order "sync, then read
the clock" are checked too. torch.cuda.is_available / synchronize are replaced only inside a
probe and restored in `finally:`."""

import inspect
import time
from contextlib import contextmanager

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

STAT_TOL = {"rtol": 1e-9, "atol": 0.0}
KEYS = ["batch_size", "latency_ms_mean", "latency_ms_p50", "latency_ms_p95",
        "throughput_samples_per_s"]


class _Device:
    """Simulated time: `now` is what the clock reads; `pending` is queued GPU work (seconds)."""

    def __init__(self, seed: int, slow_first: int = 3):
        g = torch.Generator().manual_seed(seed)
        # distinct per-call durations: 1-9 ms, the first calls 40-80 ms (cold start)
        d = (1 + 8 * torch.rand(64, generator=g)) * 1e-3
        d[:slow_first] = (40 + 40 * torch.rand(slow_first, generator=g)) * 1e-3
        self.durations = d.tolist()
        self.now, self.pending, self.calls, self.log = 1234.5, 0.0, 0, []

    def timer(self) -> float:
        self.log.append("t")
        return self.now

    def sync(self, *args, **kwargs) -> None:
        self.log.append("s")
        self.now += self.pending  # wait for the queued kernels
        self.pending = 0.0

    def run(self, on_gpu: bool) -> None:
        self.log.append("m")
        d = self.durations[self.calls % len(self.durations)]
        self.calls += 1
        if on_gpu:
            self.now += 2e-5  # the launch returns at once; the work is queued
            self.pending += d
        else:
            self.now += d


class _Batch:
    """Stands for a batch tensor on some device: shape, device, to()."""

    def __init__(self, shape, device="cpu"):
        self.shape = torch.Size(shape)
        self.device = torch.device(device)
        self.is_cuda = self.device.type == "cuda"

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def __len__(self):
        return self.shape[0]

    def to(self, *args, **kwargs):
        device = torch._C._nn._parse_to(*args, **kwargs)[0]
        return _Batch(self.shape, device if device is not None else self.device)


def _fake_model(dev: _Device, modes: list | None = None):
    """A parameter-free module whose forward costs the device's next duration."""

    class FakeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.placed = "cpu"

        def to(self, *args, **kwargs):  # records where this instance was sent
            device = torch._C._nn._parse_to(*args, **kwargs)[0]
            if device is not None:
                self.placed = str(torch.device(device))
            return self

        def cuda(self, device=None):
            return self.to("cuda" if device is None else torch.device("cuda", device))

        def cpu(self):
            return self.to("cpu")

        def forward(self, x):
            if modes is not None:
                modes.append([self.training, torch.is_inference_mode_enabled()])
            dev.run(getattr(getattr(x, "device", None), "type", "cpu") == "cuda")
            return x

    return FakeNet()


def _plain(stats):
    """The returned statistics as plain data; wrong types are shown by name."""
    if not isinstance(stats, dict):
        return f"<{type(stats).__name__}>"
    out = {}
    for k, v in stats.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            out[str(k)] = f"<{type(v).__name__}>"
        else:
            out[str(k)] = v if type(v) is int else float(v)
    return out


def _stats_msg(got, ref, where: str) -> str | None:
    if not isinstance(got, dict):
        return f"{where}: benchmark must return a dict, got {got}"
    if sorted(got) != sorted(ref):
        return f"{where}: expected exactly the keys {KEYS}, got {sorted(got)}"
    for k in KEYS:
        g, r = got[k], ref[k]
        if type(g) is not type(r):
            want = "a Python int" if type(r) is int else "a Python float"
            shown = g if isinstance(g, str) else f"<{type(g).__name__}>"
            return f"{where}: {k} should be {want}, got {shown}"
        if compare(g, r, **STAT_TOL):
            return f"{where}: {k} = {g!r}, expected {r!r}"
    return None


def _unsynced(log: str) -> int:
    return log.count("t") - log.count("st")


def _log_msg(got_log: str, ref_log: str, where: str) -> str | None:
    n, want = got_log.count("m"), ref_log.count("m")
    if n != want:
        return f"{where}: the model was called {n} times, expected {want} (warm-up + timed)"
    # clock reads not right after a (logged) sync; the reference has some only where its sync is
    # the silent CPU no-op
    if _unsynced(got_log) > _unsynced(ref_log):
        return f"{where}: the clock was read without calling sync() right before it"
    return None


def _run_judge(got, ref):
    for g, r in zip(got, ref, strict=True):
        where = r["case"]
        if g["error"] != r["error"]:
            return (f"{where}: raised {g['error']}" if g["error"]
                    else f"{where}: expected {r['error']}")
        why = (_stats_msg(g["stats"], r["stats"], where)
               or _log_msg(g["log"], r["log"], where))
        if why:
            return why
        if (g["cuda_syncs"] == 0) != (r["cuda_syncs"] == 0):
            return (f"{where}: torch.cuda.synchronize was called {g['cuda_syncs']} times, "
                    + ("expected never" if r["cuda_syncs"] == 0 else "expected around each run"))
    return None


@contextmanager
def _cuda(available: bool, dev: _Device | None = None):
    """Pretend CUDA is (not) there; torch.cuda.synchronize runs the simulated queue."""
    real = torch.cuda.is_available, torch.cuda.synchronize
    calls = []

    def fake_sync(device=None):
        calls.append(device)
        if dev is not None:
            dev.sync()

    torch.cuda.is_available = lambda: available
    torch.cuda.synchronize = fake_sync
    try:
        yield calls
    finally:
        torch.cuda.is_available, torch.cuda.synchronize = real


def _bench(m, case: str, seed: int, batch: int, warmup: int, iters: int, *, gpu=False,
           explicit_sync=True, slow_first=3):
    dev = _Device(seed, slow_first)
    x = _Batch((batch, 16), "cuda" if gpu else "cpu")
    model = _fake_model(dev)
    kwargs = {"timer": dev.timer}
    if explicit_sync:
        kwargs["sync"] = dev.sync
    with _cuda(gpu, dev) as cuda_calls:
        box = {}
        err = raised(lambda: box.update(s=m.benchmark(model, x, warmup, iters, **kwargs)))
    return {"case": case, "error": err, "stats": _plain(box.get("s")), "log": "".join(dev.log),
            "cuda_syncs": len(cuda_calls)}


@probe(public=True, judge=_run_judge)
def cpu_batch32(m):
    "fake clock, CPU model, batch 32, warmup=3, iters=20, sync given: the exact statistics"
    return [_bench(m, "batch 32, warmup 3, iters 20", 1, 32, 3, 20)]


@probe(judge=_run_judge)
def other_batches_and_counts(m):
    "fake clock: batch sizes 1, 7 and 128; warm-up 0, 1 and 5; 1, 2, 7 and 50 timed runs"
    cases = [(2, 1, 5, 50), (3, 7, 1, 7), (4, 128, 0, 2), (5, 4, 0, 1), (6, 3, 5, 1)]
    return [_bench(m, f"batch {b}, warmup {w}, iters {n}", s, b, w, n, slow_first=w)
            for s, b, w, n in cases]


@probe(judge=_run_judge)
def gpu_explicit_sync(m):
    "simulated asynchronous GPU, sync given: the kernels must have finished at each clock read"
    return [_bench(m, "simulated GPU, batch 16, warmup 3, iters 20", 7, 16, 3, 20, gpu=True),
            _bench(m, "simulated GPU, batch 5, warmup 2, iters 9", 8, 5, 2, 9, gpu=True,
                   slow_first=2)]


@probe(judge=_run_judge)
def default_sync(m):
    "sync left as None: device-aware (a CPU batch, and a simulated CUDA batch)"
    return [_bench(m, "CPU batch, sync=None", 9, 8, 3, 12, explicit_sync=False),
            _bench(m, "simulated CUDA batch, sync=None", 10, 8, 3, 12, gpu=True,
                   explicit_sync=False)]


@probe
def bad_counts(m):
    "iters < 1 or warmup < 0 is refused"
    def call(w, n):
        dev = _Device(11)
        return raised(lambda: m.benchmark(_fake_model(dev), _Batch((4, 2)), w, n,
                                          timer=dev.timer, sync=dev.sync))
    return [call(2, 0), call(-1, 5), call(0, -3)]


@probe
def modes(m):
    "training flag and inference mode seen by the model; its mode afterwards, also after an error"
    out = []
    for training in (True, False):
        dev, seen = _Device(12), []
        model = _fake_model(dev, seen)
        model.train(training)
        m.benchmark(model, _Batch((4, 2)), 2, 3, timer=dev.timer, sync=dev.sync)
        out.append({"during": seen, "after": model.training})
    # a forward that fails on its third call: the error propagates, the mode is still restored
    dev = _Device(13)
    model = _fake_model(dev)
    model.train(True)

    def fail_third(mod, args):
        if dev.calls >= 2:
            raise RuntimeError("simulated failure in forward")

    model.register_forward_pre_hook(fail_third)
    err = raised(lambda: m.benchmark(model, _Batch((4, 2)), 2, 3, timer=dev.timer,
                                     sync=dev.sync))
    out.append({"error": err, "after": model.training})
    return out


@probe
def defaults(m):
    "the signatures' defaults (the clock is time.perf_counter)"
    b = inspect.signature(m.benchmark).parameters
    c = inspect.signature(m.compare_devices).parameters
    return {"benchmark": [b["warmup"].default, b["iters"].default, b["sync"].default],
            "timer_is_perf_counter": b["timer"].default is time.perf_counter
            and c["timer"].default is time.perf_counter,
            "compare": [list(c["devices"].default), c["warmup"].default, c["iters"].default]}


def _compare_run(m, cuda: bool, devices, seed: int):
    dev = _Device(seed, 2)
    model = _fake_model(dev)
    x = _Batch((6, 3))
    with _cuda(cuda, dev) as cuda_calls:
        out = m.compare_devices(model, x, devices, 2, 5, timer=dev.timer)
    res = {"machine": f"cuda available={cuda}, devices={devices}",
           "keys": list(out) if isinstance(out, dict) else f"<{type(out).__name__}>",
           "callers_model_on": model.placed, "log": "".join(dev.log),
           "cuda_syncs": len(cuda_calls)}
    if isinstance(out, dict):
        res["results"] = {str(k): None if v is None else _plain(v) for k, v in out.items()}
    return res


def _compare_judge(got, ref):
    for g, r in zip(got, ref, strict=True):
        where = r["machine"]
        if g["keys"] != r["keys"]:
            return f"{where}: expected the keys {r['keys']} in that order, got {g['keys']}"
        for k in r["keys"]:
            gv, rv = g["results"][k], r["results"][k]
            if rv is None or gv is None:
                if gv is not rv:
                    return f"{where}: {k!r} should be " + (
                        "None (not available)" if rv is None else "measured, got None")
                continue
            why = _stats_msg(gv, rv, f"{where}, {k!r}")
            if why:
                return why
        why = _log_msg(g["log"], r["log"], where)
        if why:
            return why
        if g["callers_model_on"] != r["callers_model_on"]:
            return (f"{where}: the caller's model was moved to {g['callers_model_on']}: "
                    "benchmark a copy")
        if (g["cuda_syncs"] == 0) != (r["cuda_syncs"] == 0):
            return (f"{where}: torch.cuda.synchronize was called {g['cuda_syncs']} times, "
                    + ("expected never" if r["cuda_syncs"] == 0 else "expected around each run"))
    return None


@probe(public=True, judge=_compare_judge)
def compare_cpu_only_machine(m):
    "compare_devices on a machine without CUDA: cpu measured, cuda reported as None"
    return [_compare_run(m, False, ("cpu", "cuda"), 13), _compare_run(m, False, ("cuda",), 14)]


@probe(judge=_compare_judge)
def compare_simulated_gpu(m):
    "compare_devices with CUDA (simulated): both measured, the GPU synchronised, the model copied"
    return [_compare_run(m, True, ("cpu", "cuda"), 15), _compare_run(m, True, ("cuda", "cpu"), 16)]


def _real_judge(got, ref):
    if not isinstance(got, dict) or sorted(got) != sorted(KEYS + ["after"]):
        return f"expected a dict with the keys {KEYS}, got {got}"
    if type(got["batch_size"]) is not int or got["batch_size"] != ref["batch_size"]:
        return f"batch_size should be the int {ref['batch_size']}, got {got['batch_size']!r}"
    vals = [got[k] for k in KEYS[1:]]
    if not all(type(v) is float and v > 0 and v < float("inf") for v in vals):
        return f"the latencies and throughput should be positive finite floats, got {vals}"
    mean, p50, p95, thr = vals
    if p50 > p95:
        return f"p50 ({p50}) is above p95 ({p95})"
    if compare(thr, 1000 * got["batch_size"] / mean, rtol=1e-6, atol=0.0):
        return f"throughput {thr} samples/s does not match batch_size / mean latency"
    if got["after"] != ref["after"]:
        return "the real model's parameters or mode changed"
    return None


@probe(judge=_real_judge)
def real_model_real_clock(m):
    "a real nn.Linear on a real (8, 32) batch with the default clock: consistent statistics"
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 4))
    before = [p.detach().clone() for p in model.parameters()]
    out = _plain(m.benchmark(model, torch.randn(8, 32), 2, 10))
    if isinstance(out, dict):
        out["after"] = [model.training, all(torch.equal(a, p) for a, p in
                                            zip(before, model.parameters(), strict=True))]
    return out
