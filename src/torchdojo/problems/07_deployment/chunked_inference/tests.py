"""Probes for chunked_inference. Each probe builds a seeded model (BatchNorm with non-trivial
running statistics and Dropout, so train and eval mode give different outputs), puts it in the
caller's mode, and hooks it: a forward pre-hook records, for every call, the number of rows and
the autograd / autocast / train-eval state it ran in. The outputs, the records and the model's
state afterwards are compared with the reference's on the same seeded inputs."""

import weakref

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised


class _MLP(nn.Module):
    """(N, 6) -> (N, 3)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(),
                                  nn.Dropout(0.5))
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.body(x))  # (N, 3)


class _ConvNet(nn.Module):
    """(N, 1, 5, 5) -> (N, 2, 3)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU())
        self.head = nn.Linear(27, 6)

    def forward(self, x):
        return self.head(self.conv(x).flatten(1)).unflatten(1, (2, 3))  # (N, 2, 3)


def _seeded(cls, seed: int) -> nn.Module:
    """A seeded model, in train mode, whose BatchNorm statistics are not the defaults."""
    torch.manual_seed(seed)
    model = cls()
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, nn.BatchNorm1d | nn.BatchNorm2d):
                mod.running_mean.normal_(0.0, 0.5)
                mod.running_var.uniform_(0.5, 2.0)
    return model.train()


def _recorder(model: nn.Module) -> list:
    """Hook the model: one record per forward call."""
    calls = []

    def pre(mod, args):
        x = args[0]
        calls.append({"rows": int(x.shape[0]),
                      "inference_mode": torch.is_inference_mode_enabled(),
                      "grad_enabled": torch.is_grad_enabled(),
                      "training flags": [m.training for m in model.modules()],
                      "autocast": torch.is_autocast_enabled("cpu"),
                      "autocast dtype": (str(torch.get_autocast_dtype("cpu"))
                                         if torch.is_autocast_enabled("cpu") else None)})

    model.register_forward_pre_hook(pre)
    return calls


def _rows(calls: list) -> list:
    return [c["rows"] for c in calls]


@probe(public=True)
def values_and_batches(m):
    "23 rows, batch_size=5, a model in train mode: the output and the rows of each forward call"
    model = _seeded(_MLP, 1)
    calls = _recorder(model)
    out = m.batched_inference(model, torch.randn(23, 6), 5)
    return {"output": out, "rows per forward call": _rows(calls)}


@probe(public=True)
def inside_the_forward(m):
    "the autograd, autocast and train/eval state each forward call runs in; the output's autograd"
    model = _seeded(_MLP, 2)
    calls = _recorder(model)
    out = m.batched_inference(model, torch.randn(12, 6), 4)
    return {"forward calls": calls, "output type": type(out).__name__,
            "requires_grad": getattr(out, "requires_grad", None),
            "has grad_fn": getattr(out, "grad_fn", None) is not None}


@probe
def remainders_and_small_sets(m):
    "N divisible by batch_size, N smaller than it, N=1, batch_size=1, N equal to batch_size"
    out = {}
    for n, bs in ((20, 5), (4, 10), (1, 3), (7, 1), (11, 11)):
        model = _seeded(_MLP, 3)
        calls = _recorder(model)
        y = m.batched_inference(model, torch.randn(n, 6), bs)
        out[f"N={n}, batch_size={bs}"] = {"output": y, "rows": _rows(calls)}
    return out


@probe
def images_non_contiguous(m):
    "(13, 1, 5, 5) images from a strided view, batch_size=4, an output of shape (N, 2, 3)"
    model = _seeded(_ConvNet, 4)
    calls = _recorder(model)
    data = torch.randn(13, 1, 5, 10)[..., ::2]  # (13, 1, 5, 5), not contiguous
    return {"output": m.batched_inference(model, data, 4), "rows": _rows(calls)}


def _state(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


@probe(rtol=0, atol=0)
def caller_mode_restored(m):
    "train, eval, and train with a frozen BatchNorm in eval: every module's mode and buffers after"
    out = {}
    for case in ("train", "eval", "train, BatchNorm in eval"):
        model = _seeded(_MLP, 5)
        if case == "eval":
            model.eval()
        elif case != "train":
            model.body[1].eval()
        m.batched_inference(model, torch.randn(9, 6), 4)
        out[case] = {"training flags": [mod.training for mod in model.modules()],
                     "state_dict": _state(model),
                     "parameter dtypes": [str(p.dtype) for p in model.parameters()]}
    return out


def _chunks(data: torch.Tensor, sizes: list, log: list | None = None):
    """A generator of consecutive chunks of `data` with the given numbers of rows."""
    start = 0
    for n in sizes:
        if log is not None:
            log.append(("chunk", n))
        yield data[start:start + n]
        start += n


@probe
def stream_rebatched(m):
    "a generator of chunks of 7, 3, 12, 1 and 6 rows and a list of two tensors: output and batches"
    model = _seeded(_MLP, 6)
    calls = _recorder(model)
    gen = m.batched_inference(model, _chunks(torch.randn(29, 6), [7, 3, 12, 1, 6]), 5)
    gen_rows = _rows(calls)
    calls.clear()
    lst = m.batched_inference(model, [torch.randn(4, 6), torch.randn(9, 6)], 4)
    return {"generator": {"output": gen, "rows": gen_rows},
            "list": {"output": lst, "rows": _rows(calls)}}


_CHUNK, _BS = 3, 4


def _lazy_judge(got, ref):
    if not isinstance(got, dict):
        return "unexpected observation"
    why = compare(got.get("output"), ref["output"])
    if why:
        return f"wrong output for a generator of 3-row chunks: {why}"
    events = got.get("events")
    if not isinstance(events, list) or not all(
            isinstance(e, list | tuple) and len(e) == 2 and type(e[1]) is int for e in events):
        return "unexpected observation"
    pulled = done = 0
    for kind, n in events:
        if kind == "chunk":
            pulled += n
        else:
            if pulled > done + _BS + _CHUNK:
                return (f"{pulled} rows had been read from the generator when the model got "
                        f"rows {done}..{done + n - 1}: read the stream as you go, do not "
                        f"collect it first")
            done += n
    return None


@probe(judge=_lazy_judge)
def stream_read_lazily(m):
    "a generator of ten 3-row chunks, batch_size=4: it is read as the batches need it"
    model = _seeded(_MLP, 7)
    events = []
    model.register_forward_pre_hook(lambda mod, args: events.append(("batch",
                                                                     int(args[0].shape[0]))))
    out = m.batched_inference(model, _chunks(torch.randn(30, 6), [_CHUNK] * 10, events), _BS)
    return {"output": out, "events": events}


@probe
def bfloat16_autocast(m):
    "dtype=torch.bfloat16: the output, the autocast state of each forward, the model's dtypes after"
    model = _seeded(_MLP, 8)
    calls = _recorder(model)
    out = m.batched_inference(model, torch.randn(17, 6), 6, dtype=torch.bfloat16)
    return {"output": out, "forward calls": calls,
            "parameter dtypes after": [str(p.dtype) for p in model.parameters()]}


def _alive_judge(got, ref):
    if not isinstance(got, dict):
        return "unexpected observation"
    why = compare(got.get("output"), ref["output"])
    if why:
        return f"wrong output for 40 rows in batches of 4: {why}"
    alive = got.get("alive")
    if not isinstance(alive, list) or not all(type(a) is int for a in alive):
        return "unexpected observation"
    bound = max([1, *ref["alive"]])
    if alive and max(alive) > bound:
        return (f"when batch {alive.index(max(alive)) + 1} ran, the outputs of {max(alive)} "
                f"earlier batches were still held: write each batch's result into one "
                f"preallocated output tensor")
    return None


@probe(judge=_alive_judge)
def preallocated_output(m):
    "40 rows, batch_size=4: earlier batches' outputs are not kept around while later ones run"
    model = _seeded(_MLP, 9)
    refs, alive = [], []
    model.register_forward_pre_hook(
        lambda mod, args: alive.append(sum(r() is not None for r in refs)))
    model.register_forward_hook(lambda mod, args, y: refs.append(weakref.ref(y)))
    out = m.batched_inference(model, torch.randn(40, 6), 4)
    return {"output": out, "alive": alive}


@probe
def bad_batch_size(m):
    "batch_size=0 is refused"
    return raised(lambda: m.batched_inference(_seeded(_MLP, 10), torch.randn(5, 6), 0))
