"""Probes for rnn_from_scratch: MyRNN's parameters (names, shapes, initial range); with a seeded
state_dict loaded strictly into it and into an nn.RNN, its outputs, last state, gradients and an
SGD step against nn.RNN's for tanh and relu, with and without h0, batch 1, length 1, a
non-contiguous input, a run in two chunks; RNNClassifier's keys, loaded outputs and training on a
seeded task; and a source check that no torch recurrent implementation is used.

Every observation holds the learner's numbers under "mine" and nn.RNN's (computed in the same
process from the same weights) under "torch"; the judges compare the learner's "mine" with the
reference run's "torch", which the learner's process cannot touch."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from torchdojo.probes import compare, parse_source, probe, raised, shortcut, source_probe

RTOL, ATOL = 1e-5, 1e-5
KEYS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")

# torch's recurrent code, under the names that reach it
BANNED = {"RNN", "RNNCell", "RNNBase", "RNNCellBase", "rnn_tanh", "rnn_relu", "rnn_tanh_cell",
          "rnn_relu_cell", "_VF", "LSTM", "LSTMCell", "GRU", "GRUCell", "lstm", "gru",
          "lstm_cell", "gru_cell"}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _randn(*shape: int, seed: int, scale: float = 1.0) -> torch.Tensor:
    """Seeded data from the probe's own generator (the learner's init cannot shift it)."""
    return torch.randn(*shape, generator=_gen(seed)) * scale


def _state(i: int, h: int, seed: int, prefix: str = "") -> dict[str, torch.Tensor]:
    """A seeded state_dict with nn.RNN's single-layer keys and shapes."""
    g = _gen(seed)
    shapes = {"weight_ih_l0": (h, i), "weight_hh_l0": (h, h), "bias_ih_l0": (h,),
              "bias_hh_l0": (h,)}
    return {prefix + k: torch.randn(s, generator=g) * 0.6 for k, s in shapes.items()}


def _pair(m, i: int, h: int, seed: int, nonlinearity: str = "tanh"):
    """The learner's MyRNN and a batch-first nn.RNN, both loaded with the same seeded weights."""
    sd = _state(i, h, seed)
    mine = (m.MyRNN(i, h) if nonlinearity == "tanh"
            else m.MyRNN(i, h, nonlinearity=nonlinearity))
    mine.load_state_dict(sd, strict=True)
    ref = nn.RNN(i, h, batch_first=True, nonlinearity=nonlinearity)
    ref.load_state_dict(sd, strict=True)
    return mine, ref


def _run(model, x: torch.Tensor, h0, seed: int, out_shape: tuple, h_shape: tuple) -> dict:
    """Forward, a seeded loss's backward and one SGD(lr=0.1) step; everything observed."""
    x = x.detach().clone().requires_grad_()
    h0 = None if h0 is None else h0.detach().clone().requires_grad_()
    h0_before = None if h0 is None else h0.detach().clone()
    res = model(x) if h0 is None else model(x, h0)
    obs = {"type": type(res).__name__, "len": len(res) if isinstance(res, tuple | list) else -1}
    if obs["len"] != 2:
        return obs
    out, h = res
    obs["out"], obs["h"] = out, h
    if not (isinstance(out, torch.Tensor) and isinstance(h, torch.Tensor)
            and tuple(out.shape) == out_shape and tuple(h.shape) == h_shape):
        return obs  # the judge reports the shapes
    g = _gen(seed + 500)
    loss = ((out * torch.randn(out_shape, generator=g)).sum()
            + (h * torch.randn(h_shape, generator=g)).sum())
    loss.backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    grads["x"] = x.grad
    if h0 is not None:
        grads["h0"] = h0.grad
        obs["h0_unchanged"] = torch.equal(h0.detach(), h0_before)
    obs["grads"] = grads
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


def _both(mine, ref, x, h0, seed: int) -> dict:
    b, t, _ = x.shape
    hid = ref.hidden_size if isinstance(ref, nn.RNN) else ref.rnn.hidden_size
    out_shape = (b, t, hid) if isinstance(ref, nn.RNN) else (b, ref.fc.out_features)
    h_shape = (1, b, hid)
    return {"mine": _run(mine, x, h0, seed, out_shape, h_shape),
            "torch": _run(ref, x, h0, seed, out_shape, h_shape)}


def _close(got, ref, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """compare() with atol scaled by the reference's magnitude (gradients can be large)."""
    if isinstance(ref, dict) and isinstance(got, dict):
        for k, r in ref.items():
            if k not in got:
                return f"[{k!r}] is missing"
            msg = _close(got[k], r, rtol, atol)
            if msg:
                return f"[{k!r}]: {msg}"
        return None
    if isinstance(ref, torch.Tensor) and ref.is_floating_point() and ref.numel():
        atol = atol * max(1.0, float(ref.abs().max()))
    return compare(got, ref, rtol=rtol, atol=atol)


def _shape_hint(got: torch.Tensor, ref: torch.Tensor, what: str) -> str:
    g, r = tuple(got.shape), tuple(ref.shape)
    hint = ""
    if what == "outputs" and len(r) == 3 and g == (r[1], r[0], r[2]):
        hint = ": that is time-major (T, B, H); the module is batch-first, (B, T, H)"
    elif what == "h_T" and g == r[1:]:
        hint = ": h_T keeps nn.RNN's layer axis in front, (1, B, H)"
    elif what == "logits" and g == (1, *r):
        hint = ": the classifier must drop h_T's layer axis before fc"
    return f"{what} has shape {g}, expected {r}{hint}"


def _judge_run(got: dict, ref: dict, label: str = "", first: str = "outputs") -> str | None:
    where = f"{label}: " if label else ""
    if got["type"] != "tuple" or got["len"] != 2:
        return f"{where}forward must return a tuple of 2 tensors, got {got['type']} ({got['len']})"
    for key, what in (("out", first), ("h", "h_T")):
        g, r = got[key], ref[key]
        if not isinstance(g, torch.Tensor):
            return f"{where}{what} is not a tensor (got {type(g).__name__})"
        if tuple(g.shape) != tuple(r.shape):
            return where + _shape_hint(g, r, what)
        msg = _close(g, r)
        if msg:
            return f"{where}{what} differ from nn.RNN's with the same weights: {msg}"
    if ref.get("h0_unchanged") is True and got.get("h0_unchanged") is not True:
        return f"{where}h0 was modified in place: read it, do not write to it"
    for key, what in (("grads", "gradients"), ("after_step", "parameters after one SGD step")):
        msg = _close(got.get(key), ref[key], rtol=1e-4)
        if msg:
            return f"{where}{what} differ from nn.RNN's: {msg}"
    return None


def _vs_torch(got, ref):
    return _judge_run(got["mine"], ref["torch"])


def _vs_torch_many(got, ref):
    for label in ref:
        msg = _judge_run(got[label]["mine"], ref[label]["torch"], label)
        if msg:
            return msg
    return None


def _structure_judge(got, ref):
    if got["params"] != ref["params"]:
        return f"parameters (name: shape) {got['params']}, expected {ref['params']}"
    if got["buffers"]:
        return f"the module has buffers {got['buffers']}; it should have none"
    if got["classifier"] != ref["classifier"]:
        return (f"RNNClassifier(3, 6, 4) state_dict (key: shape) {got['classifier']}, expected "
                f"{ref['classifier']}")
    k = 1.0 / math.sqrt(got["hidden"])
    values = torch.cat([v.flatten() for v in got["values"].values()])
    if float(values.abs().max()) > k * (1 + 1e-6):
        return (f"initial values reach {float(values.abs().max()):.4f}, outside "
                f"+-1/sqrt(hidden_size) = +-{k:.4f}")
    std, want = float(values.std()), k / math.sqrt(3)
    if not 0.8 * want < std < 1.2 * want:
        return (f"initial values have standard deviation {std:.4f}; U(-{k:.4f}, {k:.4f}) "
                f"has {want:.4f}")
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "MyRNN(4, 50): parameter names and shapes, no buffers, initial values; RNNClassifier's keys"
    torch.manual_seed(0)
    rnn = m.MyRNN(4, 50)
    clf = m.RNNClassifier(3, 6, 4)
    return {"params": {n: list(p.shape) for n, p in rnn.named_parameters()},
            "buffers": [n for n, _ in rnn.named_buffers()],
            "values": {n: p.detach().clone() for n, p in rnn.named_parameters()},
            "hidden": 50,
            "classifier": {k: list(v.shape) for k, v in clf.state_dict().items()}}


@probe(public=True, judge=_vs_torch)
def tanh_no_h0(m):
    "MyRNN(3, 5), x (4, 6, 3), no h0: outputs, h_T, gradients and an SGD step vs nn.RNN"
    mine, ref = _pair(m, 3, 5, seed=1)
    return _both(mine, ref, _randn(4, 6, 3, seed=101), None, seed=1)


@probe(judge=_vs_torch)
def relu_with_h0(m):
    "MyRNN(4, 6, nonlinearity='relu'), x (3, 5, 4) and h0 (1, 3, 6): everything vs nn.RNN"
    mine, ref = _pair(m, 4, 6, seed=2, nonlinearity="relu")
    return _both(mine, ref, _randn(3, 5, 4, seed=102), _randn(1, 3, 6, seed=202), seed=2)


@probe(judge=_vs_torch)
def tanh_with_h0(m):
    "MyRNN(2, 7), x (5, 9, 2) and h0 (1, 5, 7): outputs, h_T, gradients (h0's too), SGD step"
    mine, ref = _pair(m, 2, 7, seed=3)
    return _both(mine, ref, _randn(5, 9, 2, seed=103, scale=1.5),
                 _randn(1, 5, 7, seed=203, scale=0.8), seed=3)


@probe(judge=_vs_torch_many)
def edge_sizes(m):
    "batch 1 and length 1: (1, 1, 3), (1, 6, 3), (3, 1, 3), one of them relu with h0"
    obs = {}
    for label, (b, t, nl, with_h0) in {"B=1, T=1": (1, 1, "tanh", False),
                                       "B=1, T=6": (1, 6, "tanh", True),
                                       "B=3, T=1": (3, 1, "relu", True)}.items():
        mine, ref = _pair(m, 3, 4, seed=4 + b + t, nonlinearity=nl)
        h0 = _randn(1, b, 4, seed=204 + t) if with_h0 else None
        obs[label] = _both(mine, ref, _randn(b, t, 3, seed=104 + b + t), h0, seed=4 + t)
    return obs


@probe(judge=_vs_torch)
def non_contiguous_input(m):
    "x and h0 given as transposed (non-contiguous) views, MyRNN(5, 3)"
    mine, ref = _pair(m, 5, 3, seed=5)
    x = _randn(7, 4, 5, seed=105).transpose(0, 1)  # (4, 7, 5), not contiguous
    h0 = _randn(4, 1, 3, seed=205).transpose(0, 1)  # (1, 4, 3)
    return _both(mine, ref, x, h0, seed=5)


def _chunks_judge(got, ref):
    g, r = got["mine"], ref["torch"]
    for key, what in (("out", "the outputs of both chunks, concatenated"),
                      ("h", "h_T after the second chunk")):
        if not isinstance(g[key], torch.Tensor):
            return f"{what}: not a tensor (got {type(g[key]).__name__})"
        if tuple(g[key].shape) != tuple(r[key].shape):
            return f"{what}: shape {tuple(g[key].shape)}, expected {tuple(r[key].shape)}"
        msg = _close(g[key], r[key])
        if msg:
            return (f"{what} differ from one nn.RNN run over the whole sequence (is h0 used as "
                    f"the starting state?): {msg}")
    return None


@probe(judge=_chunks_judge)
def two_chunks(m):
    "x (3, 10, 2) run as x[:, :4] then x[:, 4:] with the detached h_T passed on equals one run"
    mine, ref = _pair(m, 2, 5, seed=6)
    x = _randn(3, 10, 2, seed=106)
    out1, h1 = mine(x[:, :4])
    out2, h2 = mine(x[:, 4:], h1.detach())
    with torch.no_grad():
        out, h = ref(x)
    return {"mine": {"out": torch.cat([out1, out2], dim=1).detach(), "h": h2.detach()},
            "torch": {"out": out, "h": h}}


def _raised_judge(got, ref):
    if got != ref:
        return (f"MyRNN(3, 4, nonlinearity='sigmoid') should raise {ref}, "
                f"got {got or 'no exception'}")
    return None


@probe(judge=_raised_judge)
def unknown_nonlinearity(m):
    "MyRNN(3, 4, nonlinearity='sigmoid') is rejected"
    return raised(lambda: m.MyRNN(3, 4, nonlinearity="sigmoid"))


class _TorchClassifier(nn.Module):
    """The classifier the statement describes, built on nn.RNN (same state_dict keys)."""

    def __init__(self, i: int, h: int, c: int, nonlinearity: str) -> None:
        super().__init__()
        self.rnn = nn.RNN(i, h, batch_first=True, nonlinearity=nonlinearity)
        self.fc = nn.Linear(h, c)

    def forward(self, x, h0=None):
        _, h = self.rnn(x, h0)
        return self.fc(h[0]), h


def _classifier_pair(m, i: int, h: int, c: int, seed: int, nonlinearity: str):
    sd = _state(i, h, seed, prefix="rnn.")
    g = _gen(seed + 50)
    sd["fc.weight"] = torch.randn(c, h, generator=g) * 0.5
    sd["fc.bias"] = torch.randn(c, generator=g) * 0.5
    mine = m.RNNClassifier(i, h, c, nonlinearity=nonlinearity)
    mine.load_state_dict(sd, strict=True)
    ref = _TorchClassifier(i, h, c, nonlinearity)
    ref.load_state_dict(sd, strict=True)
    return mine, ref


def _classifier_judge(got, ref):
    for label in ref:
        msg = _judge_run(got[label]["mine"], ref[label]["torch"], label, first="logits")
        if msg:
            return msg
    return None


@probe(judge=_classifier_judge)
def classifier_loaded(m):
    "RNNClassifier with loaded weights (tanh, and relu with h0): logits, h_T, gradients, SGD step"
    tanh = _classifier_pair(m, 3, 6, 4, seed=7, nonlinearity="tanh")
    relu = _classifier_pair(m, 2, 5, 3, seed=8, nonlinearity="relu")
    return {"tanh": _both(*tanh, _randn(5, 7, 3, seed=107), None, seed=7),
            "relu, h0": _both(*relu, _randn(4, 6, 2, seed=108), _randn(1, 4, 5, seed=208),
                              seed=8)}


def _sum_sign_task(n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(n, 8, 2) sequences; label 1 when feature 0 sums to more than 0 (|sum| > 1 kept)."""
    x = torch.randn(3 * n, 8, 2, generator=g)
    s = x[:, :, 0].sum(dim=1)
    keep = s.abs() > 1.0
    x, s = x[keep][:n], s[keep][:n]
    return x, (s > 0).long()


def _train_judge(got, ref):
    acc = got["accuracy"]
    if not isinstance(acc, float):
        return f"could not measure the accuracy (got {type(acc).__name__})"
    if not got["finite"]:
        return "the training loss became NaN or infinite"
    if acc < 0.9:
        return (f"after 50 Adam steps the held-out accuracy is {acc:.1%}, below 90% (the "
                f"reference reaches {ref['accuracy']:.1%}); final loss {got['loss']:.3f}")
    return None


@probe(judge=_train_judge)
def classifier_learns(m):
    "RNNClassifier(2, 8, 2), 50 Adam steps: is feature 0's sum over 8 steps positive? >= 90%"
    g = _gen(9)
    x, y = _sum_sign_task(128, g)
    x_test, y_test = _sum_sign_task(256, g)
    torch.manual_seed(0)
    model = m.RNNClassifier(2, 8, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss = torch.tensor(float("nan"))
    for _ in range(50):
        opt.zero_grad()
        loss = F.cross_entropy(model(x)[0], y)
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (model(x_test)[0].argmax(dim=1) == y_test).float().mean().item()
    return {"accuracy": float(acc), "loss": float(loss.item()),
            "finite": bool(torch.isfinite(loss).item())}


@source_probe
def no_torch_recurrence(source):
    "the source uses none of torch's RNN/LSTM/GRU modules or functions"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, BANNED)
    if found:
        return (f"found {found}: write the loop over time yourself (torch's recurrent modules "
                "and functions are not allowed)")
    return None
