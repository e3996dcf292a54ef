"""Probes for device_fallback: describe, the pick_device fallback chain, to_device copying.

No probe touches a real GPU: machines are simulated by replacing ``torch.cuda.is_available`` and
``torch.backends.mps.is_available`` (restored in ``finally``), tensors are "moved" to the ``meta``
device (shape and dtype, no data), and a CUDA tensor is faked by a subclass reporting cuda:1.
"""

from contextlib import contextmanager

import torch

from torchdojo.probes import probe, raised

# -- helpers that run in the learner's process (they only build observations) -------------------


class _FakeCudaTensor(torch.Tensor):
    """A CPU tensor that reports itself as living on cuda:1 (no GPU needed)."""

    @property
    def device(self):
        return torch.device("cuda", 1)

    @property
    def is_cuda(self):
        return True

    def get_device(self):
        return 1


def _kinds(r):
    """What kinds of object describe() returned, as strings."""
    if not isinstance(r, tuple):
        return f"a {type(r).__name__}"
    if len(r) != 3:
        return f"a tuple of {len(r)}"
    shape, dtype, dev = r
    ok_shape = isinstance(shape, tuple) and all(type(i) is int for i in shape)
    return [
        "tuple of ints" if ok_shape else f"{type(shape).__name__}",
        "torch.dtype" if isinstance(dtype, torch.dtype) else f"{type(dtype).__name__}",
        "str" if type(dev) is str else f"{type(dev).__name__}",
    ]


def _describe_obs(m, t, label):
    r = m.describe(t)
    return {"label": label, "kinds": _kinds(r), "value": r}


@contextmanager
def _machine(cuda: bool, mps: bool):
    """Pretend CUDA / MPS are (not) available; always restore the real functions."""
    real_cuda, real_mps = torch.cuda.is_available, torch.backends.mps.is_available
    torch.cuda.is_available = lambda: cuda
    torch.backends.mps.is_available = lambda: mps
    try:
        yield
    finally:
        torch.cuda.is_available = real_cuda
        torch.backends.mps.is_available = real_mps


def _device_name(d):
    if isinstance(d, torch.device):
        return d.type
    return f"a {type(d).__name__} ({d!r}), not a torch.device"


def _choices(m, cases):
    """{'cuda=yes, mps=no, prefer=...': chosen device type} for each simulated machine."""
    out = {}
    for cuda, mps, prefer in cases:
        key = f"cuda={'yes' if cuda else 'no'}, mps={'yes' if mps else 'no'}, "
        with _machine(cuda, mps):
            if prefer is None:
                key += "default prefer"
                d = m.pick_device()
            else:
                key += f"prefer={prefer!r}"
                d = m.pick_device(prefer)
        out[key] = _device_name(d)
    return out


def _summary(out):
    """{name: (device type, dtype, shape)} for a dict of tensors, or what came instead."""
    if not isinstance(out, dict):
        return f"a {type(out).__name__}, not a dict"
    return {k: (v.device.type, str(v.dtype), tuple(v.shape)) if isinstance(v, torch.Tensor)
            else f"a {type(v).__name__}, not a tensor" for k, v in out.items()}


def _batch():
    return {"x": torch.randn(2, 3), "y": torch.arange(4), "mask": torch.ones(2, dtype=torch.bool)}


# -- judges (run in the worker on plain data) ---------------------------------------------------


def _judge_describe(got, ref):
    for g, r in zip(got, ref, strict=True):
        if g["kinds"] != r["kinds"]:
            if not isinstance(g["kinds"], list):
                return f"describe({r['label']}): expected a 3-tuple, got {g['kinds']}"
            return (f"describe({r['label']}): expected (tuple of ints, torch.dtype, str), "
                    f"got ({', '.join(g['kinds'])})")
        for i, what in enumerate(("shape", "dtype", "device type")):
            if g["value"][i] != r["value"][i]:
                return (f"describe({r['label']}): expected {what} {r['value'][i]!r}, "
                        f"got {g['value'][i]!r}")
    return None


def _judge_choices(got, ref):
    for key, want in ref.items():
        if got.get(key) != want:
            return f"on a machine with {key}: expected {want}, got {got.get(key)}"
    return None


def _judge_raised(got, ref):
    if got == ref:
        return None
    what = "no exception" if got is None else got
    return f"pick_device('tpu'): expected {ref} to be raised, got {what}"


def _judge_moved(got, ref):
    if not isinstance(got, dict):
        return f"expected a dict of tensors, got {got}"
    if sorted(got) != sorted(ref):
        return f"expected keys {sorted(ref)}, got {sorted(got)}"
    for k in ref:
        if got[k] != ref[k]:
            g, r = got[k], ref[k]
            if isinstance(g, str):
                return f"[{k!r}]: expected a tensor, got {g}"
            for i, what in enumerate(("device", "dtype", "shape")):
                if g[i] != r[i]:
                    return f"[{k!r}]: expected {what} {r[i]}, got {g[i]}"
    return None


def _judge_input_untouched(got, ref):
    if got["returned_input"]:
        return "to_device returned the caller's dict itself; it must build a new dict"
    if got["input_keys"] != ref["input_keys"]:
        return (f"the caller's dict changed keys: expected {ref['input_keys']}, "
                f"got {got['input_keys']}")
    if not got["input_same_tensors"]:
        return "the caller's dict now holds different tensors; it must be left as it was"
    if got["input_devices"] != ref["input_devices"]:
        return (f"the caller's tensors moved: expected {ref['input_devices']}, "
                f"got {got['input_devices']}")
    return None


# -- describe -----------------------------------------------------------------------------------


@probe(public=True, judge=_judge_describe)
def describe_float_cpu(m):
    "describe(torch.rand(3, 4)) gives ((3, 4), torch.float32, 'cpu') with a tuple of ints"
    return [_describe_obs(m, torch.rand(3, 4), "torch.rand(3, 4)")]


@probe(judge=_judge_describe)
def describe_int_and_scalar(m):
    "describe of an int64 vector and of a 0-d float64 tensor"
    return [_describe_obs(m, torch.arange(5), "torch.arange(5)"),
            _describe_obs(m, torch.tensor(2.5, dtype=torch.float64), "a 0-d float64 tensor")]


@probe(judge=_judge_describe)
def describe_meta_empty_dim(m):
    "describe of a float16 tensor of shape (2, 0, 5) on the 'meta' device"
    return [_describe_obs(m, torch.empty(2, 0, 5, dtype=torch.float16, device="meta"),
                          "a (2, 0, 5) float16 meta tensor")]


@probe(judge=_judge_describe)
def describe_cuda_index(m):
    "describe of an int16 tensor on cuda:1 (simulated) reports the device type, without index"
    t = torch.zeros(2, 3, dtype=torch.int16).as_subclass(_FakeCudaTensor)
    return [_describe_obs(m, t, "an int16 tensor on cuda:1")]


# -- pick_device --------------------------------------------------------------------------------


@probe(public=True, judge=_judge_choices)
def pick_cpu_only_machine(m):
    "pick_device on a machine with neither CUDA nor MPS (default prefer, and prefer='mps')"
    return _choices(m, [(False, False, None), (False, False, "cuda"), (False, False, "mps")])


@probe(judge=_judge_choices)
def pick_cuda_first(m):
    "pick_device with CUDA available (with and without MPS)"
    return _choices(m, [(True, False, None), (True, True, None), (True, True, "cuda")])


@probe(judge=_judge_choices)
def pick_mps_fallback(m):
    "pick_device on a machine with MPS but no CUDA"
    return _choices(m, [(False, True, None), (False, True, "mps")])


@probe(judge=_judge_choices)
def pick_prefer_further_down(m):
    "pick_device(prefer='mps') and pick_device(prefer='cpu') on machines that have CUDA"
    return _choices(m, [(True, False, "mps"), (True, True, "mps"), (True, True, "cpu")])


@probe(judge=_judge_raised)
def pick_unknown_name(m):
    "pick_device('tpu') is rejected with the documented exception"
    with _machine(True, True):
        return raised(lambda: m.pick_device("tpu"))


# -- to_device ----------------------------------------------------------------------------------


@probe(judge=_judge_moved)
def to_device_moves_all(m):
    "to_device(batch, torch.device('meta')) moves every tensor, keeping dtypes and shapes"
    return _summary(m.to_device(_batch(), torch.device("meta")))


@probe(judge=_judge_moved)
def to_device_string_device(m):
    "to_device accepts a device name string ('meta')"
    return _summary(m.to_device(_batch(), "meta"))


@probe(judge=_judge_input_untouched)
def to_device_leaves_input(m):
    "after to_device the caller's dict holds the same, unmoved tensors and was not returned"
    batch = _batch()
    before = dict(batch)
    out = m.to_device(batch, torch.device("meta"))
    return {"returned_input": out is batch,
            "input_keys": sorted(batch),
            "input_same_tensors": all(batch.get(k) is v for k, v in before.items()),
            "input_devices": sorted(v.device.type for v in batch.values())}


@probe
def to_device_cpu_values(m):
    "to_device(batch, 'cpu') keeps the values"
    return m.to_device(_batch(), "cpu")


@probe
def to_device_already_there(m):
    "to_device(batch, 'cpu') on a CPU batch still returns a new dict holding the values"
    batch = _batch()
    out = m.to_device(batch, "cpu")
    return {"returned the caller's dict": out is batch, "result": out}
