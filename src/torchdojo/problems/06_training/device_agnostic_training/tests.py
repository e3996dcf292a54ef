"""Probes for device_agnostic_training. No probe touches a GPU: machines are simulated by replacing
torch.cuda.is_available and torch.backends.mps.is_available (restored in finally), tensors are
moved to the meta device (shape and dtype, no data), ContextTagger gets probe-made weights loaded
strictly, and train_one_epoch runs on the CPU with move_to and model.to wrapped to record their
calls. The worker compares every observation with the reference's."""

from collections import namedtuple
from contextlib import contextmanager

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

TOL = {"rtol": 1e-5, "atol": 1e-6}
Pair = namedtuple("Pair", "first second")
Batch = namedtuple("Batch", ["x", "y", "meta"])


# -- pick_device ---------------------------------------------------------------------------------

@contextmanager
def _machine(cuda: bool, mps: bool):
    """Pretend CUDA / MPS are (not) available; always restore the real functions."""
    real_cuda, real_mps = torch.cuda.is_available, torch.backends.mps.is_available
    torch.cuda.is_available = lambda: cuda
    torch.backends.mps.is_available = lambda: mps
    try:
        yield
    finally:
        torch.cuda.is_available, torch.backends.mps.is_available = real_cuda, real_mps


def _pick(m, cuda: bool, mps: bool, prefer=None):
    with _machine(cuda, mps):
        box = {}

        def call():
            box["d"] = m.pick_device() if prefer is None else m.pick_device(prefer)

        err = raised(call)
    d = box.get("d")
    return {"machine": f"cuda={cuda}, mps={mps}, prefer={prefer!r}", "raised": err,
            "type": None if err else type(d).__name__,
            "device": str(d) if isinstance(d, torch.device) else None}


def _pick_judge(got, ref):
    for g, r in zip(got, ref, strict=True):
        where = r["machine"]
        if r["raised"]:
            if g["raised"] != r["raised"]:
                return f"{where}: expected {r['raised']}, got " + (
                    f"{g['raised']}" if g["raised"] else f"a {g['type']} ({g['device']})")
            continue
        if g["raised"]:
            return f"{where}: raised {g['raised']}"
        if g["type"] != "device":
            return f"{where}: must return a torch.device, got {g['type']}"
        if g["device"] != r["device"]:
            return f"{where}: expected {r['device']}, got {g['device']}"
    return None


@probe(public=True, judge=_pick_judge)
def pick_without_preference(m):
    "prefer=None on four simulated machines (CUDA and MPS each available or not)"
    return [_pick(m, c, s) for c, s in ((False, False), (True, False), (False, True), (True, True))]


@probe(judge=_pick_judge)
def pick_with_preference(m):
    "an explicit prefer: honoured as written, refused when that accelerator is missing"
    cases = [(True, True, "cpu"), (True, False, "cuda:1"), (False, True, "mps"),
             (True, True, "mps"), (False, True, "cuda"), (True, False, "mps"),
             (False, False, "cuda:0"), (False, False, "meta"), (True, True, "gpu")]
    return [_pick(m, c, s, p) for c, s, p in cases]


# -- move_to -------------------------------------------------------------------------------------

class _Opaque:
    """A non-tensor object that move_to must hand back as it is."""


def _describe(out, orig):
    """A plain-data picture of ``out``, and whether each leaf is the very object of ``orig``."""
    if isinstance(out, torch.Tensor):
        return ["tensor", str(out.device), str(out.dtype), list(out.shape)]
    if isinstance(out, dict):
        keys = list(out)
        return {"kind": type(out).__name__, "new": out is not orig, "keys": [str(k) for k in keys],
                "items": [_describe(out[k], orig.get(k) if isinstance(orig, dict) else None)
                          for k in keys]}
    if isinstance(out, (list, tuple)):
        fields = list(getattr(out, "_fields", []))
        same_len = isinstance(orig, (list, tuple)) and len(orig) == len(out)
        return {"kind": type(out).__name__, "fields": fields,
                "new": out is not orig or isinstance(out, tuple),
                "items": [_describe(v, orig[i] if same_len else None) for i, v in enumerate(out)]}
    return ["other", type(out).__name__, out is orig]


def _snapshot(obj):
    """The caller's structure after the call: ids of tensors and their devices, container sizes."""
    if isinstance(obj, torch.Tensor):
        return ["tensor", str(obj.device)]
    if isinstance(obj, dict):
        return {str(k): _snapshot(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [type(obj).__name__] + [_snapshot(v) for v in obj]
    return type(obj).__name__


def _move(m, obj, device):
    before = _snapshot(obj)
    leaves_before = _leaves(obj)
    out = m.move_to(obj, device)
    return {"out": _describe(out, obj), "input_before": before, "input_after": _snapshot(obj),
            "input_same_tensors": [a is b for a, b in zip(leaves_before, _leaves(obj),
                                                          strict=False)]
            + [len(leaves_before) == len(_leaves(obj))]}


def _leaves(obj):
    if isinstance(obj, dict):
        return [x for v in obj.values() for x in _leaves(v)]
    if isinstance(obj, (list, tuple)):
        return [x for v in obj for x in _leaves(v)]
    return [obj]


def _find_diff(g, r, path="result"):
    """The first place where two structure pictures differ, in words."""
    if isinstance(r, dict):
        if not isinstance(g, dict):
            return f"{path}: expected a {r.get('kind', 'container')}, got {g}"
        if g.get("kind") != r.get("kind"):
            return f"{path}: expected a {r['kind']}, got a {g.get('kind')}"
        if r.get("fields") and g.get("fields") != r["fields"]:
            return f"{path}: expected fields {r['fields']}, got {g.get('fields')}"
        if g.get("keys") != r.get("keys"):
            return f"{path}: expected keys {r['keys']}, got {g.get('keys')}"
        if not g.get("new"):
            return f"{path}: the caller's {r['kind']} was returned, not a new one"
        if len(g.get("items", [])) != len(r["items"]):
            return f"{path}: expected {len(r['items'])} items, got {len(g.get('items', []))}"
        for i, (gi, ri) in enumerate(zip(g["items"], r["items"], strict=True)):
            key = r["keys"][i] if r.get("keys") else i
            msg = _find_diff(gi, ri, f"{path}[{key!r}]")
            if msg:
                return msg
        return None
    if g != r:
        if r[0] == "tensor":
            return f"{path}: expected a tensor on {r[1]} ({r[2]}, shape {r[3]}), got {g}"
        if r[0] == "other":
            return f"{path}: expected the same {r[1]} object back, got {g}"
        return f"{path}: expected {r}, got {g}"
    return None


def _move_judge(got, ref):
    msg = _find_diff(got["out"], ref["out"])
    if msg:
        return msg
    if got["input_after"] != got["input_before"] or not all(got["input_same_tensors"]):
        return "move_to modified its input (the caller's containers must keep their own tensors)"
    return None


@probe(public=True, judge=_move_judge)
def move_nested_dict(m):
    "a dict holding tensors, a list, a tuple, a nested dict and non-tensors, to 'meta'"
    g = torch.Generator().manual_seed(1)
    obj = {"x": torch.randn(2, 3, generator=g), "mask": torch.ones(2, 3, dtype=torch.bool),
           "pair": (torch.arange(4), torch.randn(1, generator=g).half()),
           "extra": [torch.zeros(5, dtype=torch.int32), {"z": torch.randn(2, 2, generator=g)}],
           "n": 3, "name": "sample-1", "none": None}
    return _move(m, obj, "meta")


@probe(judge=_move_judge)
def move_namedtuples(m):
    "namedtuples (nested in a list and a tuple) keep their class and fields"
    g = torch.Generator().manual_seed(2)
    obj = [Batch(torch.randn(3, 2, generator=g), torch.tensor([0, 1, 1]), {"ids": [4, 5, 6]}),
           (Pair(torch.randn(1, generator=g), "tag"), _Opaque())]
    return _move(m, obj, torch.device("meta"))


def _move_list_judge(got, ref):
    if not isinstance(got, list) or len(got) != len(ref):
        return "could not read the observations"
    for g, r in zip(got, ref, strict=True):
        msg = _move_judge(g, r)
        if msg:
            return msg
    return None



@probe(judge=_move_list_judge)
def move_deep_and_plain(m):
    "deeply nested tuples and lists, empty containers, and a bare tensor / bare object"
    g = torch.Generator().manual_seed(3)
    t = torch.randn(2, generator=g)
    obj = {"deep": ((([t.clone()],),), [(), [], {}]), "bare": t, "obj": _Opaque(),
           "f": 2.5}
    return [_move(m, obj, "meta"), _move(m, torch.randn(4, 1, generator=g), "meta"),
            _move(m, _Opaque(), "meta")]



# -- ContextTagger -------------------------------------------------------------------------------

def _tagger(m, g, in_features=3, hidden=6, num_classes=4, max_len=7):
    model = m.ContextTagger(in_features, hidden, num_classes, max_len)
    sd = {"proj.weight": torch.randn(hidden, in_features, generator=g) * 0.7,
          "proj.bias": torch.randn(hidden, generator=g) * 0.2,
          "head.weight": torch.randn(num_classes, 2 * hidden, generator=g) * 0.5,
          "head.bias": torch.randn(num_classes, generator=g) * 0.2}
    model.load_state_dict(sd, strict=True)
    return model


def _names(model):
    return {"state_dict": sorted(model.state_dict()),
            "params": sorted(n for n, _ in model.named_parameters()),
            "buffers": sorted(n for n, _ in model.named_buffers())}


def _tagger_judge(got, ref):
    for key in ("state_dict", "params", "buffers"):
        if got["names"][key] != ref["names"][key]:
            return f"{key} names: expected {ref['names'][key]}, got {got['names'][key]}"
    if "dtypes" in ref and got["dtypes"] != ref["dtypes"]:
        return f"dtypes of the parameters and buffers: expected {ref['dtypes']}, got {got['dtypes']}"
    for i, r in enumerate(ref["outs"]):
        gi = got["outs"][i]
        msg = compare(gi["out"], r["out"], **TOL)
        if msg:
            return f"output for input shape {r['shape']} differs: {msg}"
    return None


@probe(public=True, judge=_tagger_judge)
def tagger_cpu_outputs(m):
    "probe-made weights loaded strictly; outputs for (B, T) = (2, 5), (1, 1), (3, 7), (4, 2)"
    g = torch.Generator().manual_seed(4)
    model = _tagger(m, g)
    outs = []
    for b, t in ((2, 5), (1, 1), (3, 7), (4, 2)):
        x = torch.randn(b, t, 3, generator=g)
        outs.append({"shape": [b, t], "out": model(x).detach()})
    return {"names": _names(model), "outs": outs}


@probe()
def tagger_on_meta(m):
    "after .to('meta'): forward runs; output shape, dtype and device; where the buffers live"
    g = torch.Generator().manual_seed(5)
    model = _tagger(m, g, hidden=5, max_len=9).to("meta")
    res = []
    for b, t in ((2, 4), (3, 9), (1, 1)):
        out = model(torch.randn(b, t, 3, device="meta"))
        res.append([list(out.shape), str(out.dtype), str(out.device)])
    return {"outs": res, "buffers": {n: str(v.device) for n, v in model.named_buffers()}}


@probe(judge=_tagger_judge)
def tagger_float64(m):
    "after .to(torch.float64): every parameter and buffer is float64; float64 outputs"
    g = torch.Generator().manual_seed(6)
    model = _tagger(m, g, hidden=4, max_len=6).to(torch.float64)
    outs = []
    for b, t in ((2, 6), (3, 3)):
        x = torch.randn(b, t, 3, generator=g, dtype=torch.float64)
        outs.append({"shape": [b, t], "out": model(x).detach()})
    dtypes = {n: str(v.dtype) for n, v in model.named_parameters()}
    dtypes.update({n: str(v.dtype) for n, v in model.named_buffers()})
    return {"names": _names(model), "dtypes": dtypes, "outs": outs}


# -- train_one_epoch ------------------------------------------------------------------------------

def _spied_epoch(m, model, loader, opt, loss_fn, device):
    """Run train_one_epoch with move_to and model.to recording their (outermost) calls."""
    real_move = m.move_to
    calls = {"move_to": [], "model_to": [], "depth": 0}

    def move_spy(obj, dev):
        if calls["depth"] == 0:
            calls["move_to"].append(str(torch.device(dev)))
        calls["depth"] += 1
        try:
            return real_move(obj, dev)
        finally:
            calls["depth"] -= 1

    real_to = model.to

    def to_spy(*args, **kwargs):
        dev = kwargs.get("device", args[0] if args else None)
        calls["model_to"].append(str(torch.device(dev)) if isinstance(dev, (str, torch.device))
                                 else type(dev).__name__)
        return real_to(*args, **kwargs)

    m.move_to = move_spy
    model.to = to_spy
    try:
        out = m.train_one_epoch(model, loader, opt, loss_fn, device)
    finally:
        m.move_to = real_move
        del model.to
    return {"type": type(out).__name__, "loss": out if isinstance(out, float) else None,
            "training": model.training, "move_to": calls["move_to"],
            "model_to": calls["model_to"],
            "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}


def _epoch_judge(got, ref):
    if got["type"] != "float":
        return f"train_one_epoch must return a Python float, got {got['type']}"
    if ref["model_to"][0] not in got["model_to"]:
        return f"model.to was called with {got['model_to']}, expected the given device"
    if got["move_to"] != ref["move_to"]:
        return (f"expected one move_to(batch, device) call per batch ({len(ref['move_to'])} "
                f"calls to {ref['move_to'][0]}), got {got['move_to']}")
    if got["training"] is not True:
        return "the model is not in training mode after train_one_epoch"
    msg = compare(got["loss"], ref["loss"], rtol=1e-6, atol=1e-7)
    if msg:
        return f"returned mean loss differs (weighted by batch size): {msg}"
    for k, r in ref["state"].items():
        if k not in got["state"]:
            return f"state_dict entry {k} is missing"
        msg = compare(got["state"][k], r, **TOL)
        if msg:
            return f"{k} after the epoch differs: {msg}"
    return None


@probe(public=True, judge=_epoch_judge)
def epoch_batchnorm_mlp(m):
    "an MLP with BatchNorm handed over in eval mode, dict batches of sizes 4, 6, 3, SGD(momentum)"
    g = torch.Generator().manual_seed(7)
    model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
    sd = {k: torch.randn(v.shape, generator=g) * 0.5 if v.is_floating_point() else v.clone()
          for k, v in model.state_dict().items()}
    sd["1.running_var"] = sd["1.running_var"].abs() + 0.5
    model.load_state_dict(sd, strict=True)
    model.eval()
    loader = [{"x": torch.randn(n, 4, generator=g), "y": torch.randint(0, 3, (n,), generator=g),
               "ids": list(range(n)), "source": "train"} for n in (4, 6, 3)]
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    return _spied_epoch(m, model, loader, opt, nn.CrossEntropyLoss(), torch.device("cpu"))


@probe(judge=_epoch_judge)
def epoch_tagger_dataloader(m):
    "your ContextTagger, a DataLoader of dict samples (batch_size=3, last batch of 2), Adam, device='cpu'"
    g = torch.Generator().manual_seed(8)
    model = _tagger(m, g, in_features=3, hidden=5, num_classes=4, max_len=6)
    samples = [{"x": torch.randn(6, 3, generator=g), "y": torch.randint(0, 4, (6,), generator=g),
                "name": f"seq-{i}"} for i in range(8)]
    loader = torch.utils.data.DataLoader(samples, batch_size=3, shuffle=False)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)

    def loss_fn(out, y):  # (B, T, C) scores, (B, T) labels
        return nn.functional.cross_entropy(out.flatten(0, 1), y.flatten())

    return _spied_epoch(m, model, loader, opt, loss_fn, "cpu")
