"""Probes for lstm_cell_by_hand: MyLSTMCell's parameters (names, shapes, initial range); with a
seeded state_dict loaded strictly into it and into nn.LSTMCell / nn.LSTM, the cell's (h, c), its
gradients and an SGD step against torch's (given state, no state, batch 1, hidden 1, large
pre-activations); run_lstm with the learner's cell and with torch's nn.LSTMCell against nn.LSTM
(outputs, (h_n, c_n), gradients through the unrolled sequence, length 1, batch 1); one cell call
per step; two chunks with a detached state; and a source check that no torch LSTM is used.

Every observation holds the learner's numbers under "mine" and torch's (computed in the same
process from the same weights) under "torch"; the judges compare the learner's "mine" with the
reference run's "torch", which the learner's process cannot touch."""

import math

import torch
from torch import nn

from torchdojo.probes import compare, parse_source, probe, shortcut, source_probe

RTOL, ATOL = 1e-5, 1e-5
BANNED = {"LSTM", "LSTMCell", "lstm", "lstm_cell", "_thnn_fused_lstm_cell", "_VF", "RNNBase",
          "RNNCellBase", "RNN", "RNNCell", "GRU", "GRUCell", "rnn_tanh", "rnn_relu", "gru",
          "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _randn(*shape: int, seed: int, scale: float = 1.0) -> torch.Tensor:
    """Seeded data from the probe's own generator (the learner's init cannot shift it)."""
    return torch.randn(*shape, generator=_gen(seed)) * scale


def _state(i: int, h: int, seed: int, scale: float = 0.5) -> dict[str, torch.Tensor]:
    """A seeded state_dict with nn.LSTMCell's keys and shapes."""
    g = _gen(seed)
    shapes = {"weight_ih": (4 * h, i), "weight_hh": (4 * h, h), "bias_ih": (4 * h,),
              "bias_hh": (4 * h,)}
    return {k: torch.randn(s, generator=g) * scale for k, s in shapes.items()}


def _cells(m, i: int, h: int, seed: int, scale: float = 0.5):
    """The learner's MyLSTMCell and an nn.LSTMCell, loaded with the same seeded weights."""
    sd = _state(i, h, seed, scale)
    mine = m.MyLSTMCell(i, h)
    mine.load_state_dict(sd, strict=True)
    ref = nn.LSTMCell(i, h)
    ref.load_state_dict(sd, strict=True)
    return mine, ref


def _lstm(i: int, h: int, seed: int) -> nn.LSTM:
    """nn.LSTM(batch_first=True) with the same seeded weights under its _l0 names."""
    lstm = nn.LSTM(i, h, batch_first=True)
    lstm.load_state_dict({k + "_l0": v for k, v in _state(i, h, seed).items()}, strict=True)
    return lstm


def _leaf(t: torch.Tensor) -> torch.Tensor:
    return t.detach().clone().requires_grad_()


def _finish(obs: dict, model: nn.Module, leaves: dict, outs: list, seed: int) -> dict:
    """A seeded loss over ``outs``, its gradients, and the parameters after one SGD step."""
    g = _gen(seed + 500)
    loss = sum((t * torch.randn(t.shape, generator=g)).sum() for t in outs)
    loss.backward()
    grads = {n.removesuffix("_l0"): p.grad for n, p in model.named_parameters()}
    grads.update({k: v.grad for k, v in leaves.items()})
    obs["grads"] = grads
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n.removesuffix("_l0"): p.detach().clone()
                         for n, p in model.named_parameters()}
    return obs


def _pair_shapes(res, shape: tuple) -> bool:
    return (isinstance(res, tuple) and len(res) == 2
            and all(isinstance(t, torch.Tensor) and tuple(t.shape) == shape for t in res))


def _kind(res) -> str:
    """A short description of a returned structure: 'tuple(Tensor, tuple(Tensor, Tensor))'."""
    if isinstance(res, tuple | list):
        return f"{type(res).__name__}({', '.join(_kind(r) for r in res)})"
    return type(res).__name__


def _run_cell(cell, x: torch.Tensor, state, seed: int) -> dict:
    """One cell step, then loss, gradients (params, x, h, c) and an SGD step."""
    leaves = {"x": _leaf(x)}
    if state is not None:
        leaves["h"], leaves["c"] = _leaf(state[0]), _leaf(state[1])
        res = cell(leaves["x"], (leaves["h"], leaves["c"]))
    else:
        res = cell(leaves["x"])
    obs = {"kind": _kind(res)}
    if isinstance(res, tuple | list) and len(res) == 2:
        obs["h"], obs["c"] = res
    shape = (x.shape[0], cell.weight_hh.shape[1])
    if not _pair_shapes(res, shape):
        return obs  # the judge reports the structure and shapes
    return _finish(obs, cell, leaves, list(res), seed)


def _run_seq(run, params: nn.Module, x: torch.Tensor, state, seed: int, hidden: int) -> dict:
    """``run(x, state)`` over a sequence, then loss, gradients and an SGD step of ``params``."""
    leaves = {"x": _leaf(x)}
    if state is not None:
        leaves["h0"], leaves["c0"] = _leaf(state[0]), _leaf(state[1])
        res = run(leaves["x"], (leaves["h0"], leaves["c0"]))
    else:
        res = run(leaves["x"], None)
    obs = {"kind": _kind(res)}
    b, t, _ = x.shape
    ok = (isinstance(res, tuple) and len(res) == 2 and isinstance(res[0], torch.Tensor))
    if ok:
        obs["out"] = res[0]
    if ok and isinstance(res[1], tuple | list) and len(res[1]) == 2:
        obs["h_n"], obs["c_n"] = res[1]
    if not (ok and tuple(res[0].shape) == (b, t, hidden) and _pair_shapes(res[1], (1, b, hidden))):
        return obs
    return _finish(obs, params, leaves, [res[0], *res[1]], seed)


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


def _same(a, b) -> bool:
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
            and bool(torch.allclose(a, b, rtol=1e-4, atol=1e-4)))


def _judge_obs(got: dict, ref: dict, values: tuple, label: str, what: str) -> str | None:
    """Structure, then values, then gradients and the SGD step, against torch's observation."""
    where = f"{label}: " if label else ""
    if got["kind"] != ref["kind"]:
        return f"{where}{what} returned {got['kind']}, expected {ref['kind']}"
    for key in values:
        g, r = got[key], ref[key]
        if tuple(g.shape) != tuple(r.shape):
            return f"{where}{key} has shape {tuple(g.shape)}, expected {tuple(r.shape)}"
    if "h" in values and _same(got["h"], ref["c"]) and _same(got["c"], ref["h"]):
        return f"{where}the cell returned (c, h); torch's order is (h, c)"
    for key in values:
        msg = _close(got[key], ref[key])
        if msg:
            return f"{where}{key} differs from torch's with the same weights: {msg}"
    for key, text in (("grads", "gradients"), ("after_step", "parameters after one SGD step")):
        msg = _close(got.get(key), ref[key], rtol=1e-4)
        if msg:
            return f"{where}{text} differ from torch's: {msg}"
    return None


def _cell_judge(got, ref):
    for label in ref:
        msg = _judge_obs(got[label]["mine"], ref[label]["torch"], ("h", "c"),
                         label if len(ref) > 1 else "", "the cell")
        if msg:
            return msg
    return None


def _seq_judge(got, ref):
    for label in ref:
        msg = _judge_obs(got[label]["mine"], ref[label]["torch"], ("out", "h_n", "c_n"),
                         label if len(ref) > 1 else "", "run_lstm")
        if msg:
            return msg
    return None


def _structure_judge(got, ref):
    if got["params"] != ref["params"]:
        return f"parameters (name: shape) {got['params']}, expected {ref['params']}"
    if got["buffers"]:
        return f"the module has buffers {got['buffers']}; it should have none"
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
    "MyLSTMCell(3, 40): parameter names and shapes, no buffers, initial values"
    torch.manual_seed(0)
    cell = m.MyLSTMCell(3, 40)
    return {"params": {n: list(p.shape) for n, p in cell.named_parameters()},
            "buffers": [n for n, _ in cell.named_buffers()],
            "values": {n: p.detach().clone() for n, p in cell.named_parameters()},
            "hidden": 40}


@probe(public=True, judge=_cell_judge)
def cell_step(m):
    "MyLSTMCell(3, 5), x (4, 3), a given (h, c): (h', c'), gradients and an SGD step vs nn.LSTMCell"
    mine, ref = _cells(m, 3, 5, seed=1)
    x, state = _randn(4, 3, seed=101), (_randn(4, 5, seed=201), _randn(4, 5, seed=301))
    return {"cell": {"mine": _run_cell(mine, x, state, 1), "torch": _run_cell(ref, x, state, 1)}}


@probe(judge=_cell_judge)
def cell_no_state(m):
    "state=None means zero h and c: MyLSTMCell(4, 6), x (3, 4) vs nn.LSTMCell"
    mine, ref = _cells(m, 4, 6, seed=2)
    x = _randn(3, 4, seed=102, scale=2.0)
    return {"cell": {"mine": _run_cell(mine, x, None, 2), "torch": _run_cell(ref, x, None, 2)}}


@probe(judge=_cell_judge)
def cell_edge_sizes(m):
    "batch 1 (MyLSTMCell(3, 4)) and hidden_size 1 (MyLSTMCell(2, 1), batch 5)"
    obs = {}
    for label, (b, i, h) in {"batch 1": (1, 3, 4), "hidden_size 1": (5, 2, 1)}.items():
        mine, ref = _cells(m, i, h, seed=3 + h)
        x, state = _randn(b, i, seed=103 + h), (_randn(b, h, seed=203 + h),
                                                _randn(b, h, seed=303 + h))
        obs[label] = {"mine": _run_cell(mine, x, state, 3), "torch": _run_cell(ref, x, state, 3)}
    return obs


@probe(judge=_cell_judge)
def cell_large_preactivations(m):
    "inputs and weights large enough to saturate every gate (|z| up to ~100): finite and equal"
    mine, ref = _cells(m, 3, 4, seed=4, scale=6.0)
    x, state = _randn(6, 3, seed=104, scale=8.0), (_randn(6, 4, seed=204),
                                                   _randn(6, 4, seed=304, scale=20.0))
    return {"cell": {"mine": _run_cell(mine, x, state, 4), "torch": _run_cell(ref, x, state, 4)}}


def _sequences(m, i: int, h: int, seed: int, x: torch.Tensor, state, torch_cell: bool = False):
    """run_lstm with the learner's cell (or torch's LSTMCell) vs nn.LSTM, same weights."""
    if torch_cell:
        cell = nn.LSTMCell(i, h)
        cell.load_state_dict(_state(i, h, seed), strict=True)
    else:
        cell = _cells(m, i, h, seed)[0]
    lstm = _lstm(i, h, seed)
    return {"mine": _run_seq(lambda xs, s: m.run_lstm(cell, xs) if s is None
                             else m.run_lstm(cell, xs, s), cell, x, state, seed, h),
            "torch": _run_seq(lambda xs, s: lstm(xs, s), lstm, x, state, seed, h)}


@probe(public=True, judge=_seq_judge)
def run_with_state(m):
    "run_lstm(MyLSTMCell(4, 5), x (3, 6, 4), (h0, c0) each (1, 3, 5)) vs nn.LSTM: all of it"
    x, state = _randn(3, 6, 4, seed=105), (_randn(1, 3, 5, seed=205), _randn(1, 3, 5, seed=305))
    return {"run": _sequences(m, 4, 5, 5, x, state)}


@probe(judge=_seq_judge)
def run_no_state(m):
    "run_lstm(MyLSTMCell(2, 6), x (4, 9, 2)) without a state vs nn.LSTM"
    return {"run": _sequences(m, 2, 6, 6, _randn(4, 9, 2, seed=106, scale=1.5), None)}


@probe(judge=_seq_judge)
def run_edge_sizes(m):
    "sequence length 1, batch 1, and both at once"
    obs = {}
    for label, (b, t, with_state) in {"T=1": (3, 1, True), "B=1": (1, 5, True),
                                      "B=1, T=1": (1, 1, False)}.items():
        x = _randn(b, t, 3, seed=107 + b + t)
        state = (_randn(1, b, 4, seed=207 + t), _randn(1, b, 4, seed=307 + t)) if with_state \
            else None
        obs[label] = _sequences(m, 3, 4, 7 + b, x, state)
    return obs


@probe(judge=_seq_judge)
def run_with_torch_cell(m):
    "run_lstm given torch's own nn.LSTMCell(3, 5): outputs and (h_n, c_n) equal nn.LSTM's"
    x, state = _randn(2, 7, 3, seed=108), (_randn(1, 2, 5, seed=208), _randn(1, 2, 5, seed=308))
    return {"run": _sequences(m, 3, 5, 8, x, state, torch_cell=True),
            "no state": _sequences(m, 3, 5, 9, x, None, torch_cell=True)}


def _calls_judge(got, ref):
    if got["calls"] != ref["calls"]:
        return (f"the cell was called {got['calls']} times for a sequence of {ref['calls']} "
                "steps: call cell(x_t, state) once per time step")
    return None


@probe(judge=_calls_judge)
def one_call_per_step(m):
    "the cell module is called exactly once per time step (T = 6)"
    cell = _cells(m, 3, 4, seed=10)[0]
    calls = []
    hook = cell.register_forward_hook(lambda mod, args, out: calls.append(1))
    try:
        m.run_lstm(cell, _randn(2, 6, 3, seed=110))
    finally:
        hook.remove()
    return {"calls": len(calls)}


def _chunks_judge(got, ref):
    if got["kind"] != ref["kind"]:
        return f"run_lstm returned {got['kind']}, expected {ref['kind']}"
    g, r = got["mine"], ref["torch"]
    for key, what in (("out", "the outputs of both chunks, concatenated"),
                      ("h_n", "h_n after the second chunk"), ("c_n", "c_n after the second chunk")):
        if tuple(g[key].shape) != tuple(r[key].shape):
            return f"{what}: shape {tuple(g[key].shape)}, expected {tuple(r[key].shape)}"
        msg = _close(g[key], r[key])
        if msg:
            return (f"{what} differ from one nn.LSTM run over the whole sequence (is the "
                    f"given state used?): {msg}")
    msg = _close(got["grads"], ref["torch_grads"], rtol=1e-4)
    if msg:
        return (f"gradients of a loss on the second chunk only differ from nn.LSTM's (the "
                f"detached state stops them at the chunk boundary): {msg}")
    return None


@probe(judge=_chunks_judge)
def two_chunks(m):
    "x[:, :4] then x[:, 4:] with the detached (h_n, c_n) passed on equals one run; backward works"
    i, h, seed = 2, 5, 11
    cell = _cells(m, i, h, seed)[0]
    x = _randn(3, 10, i, seed=111)
    res1 = m.run_lstm(cell, x[:, :4])
    kind = _kind(res1)
    if kind != "tuple(Tensor, tuple(Tensor, Tensor))":
        return {"kind": kind}
    out1, (h1, c1) = res1
    out2, (h2, c2) = m.run_lstm(cell, x[:, 4:], (h1.detach(), c1.detach()))
    g = _gen(seed + 500)
    (out2 * torch.randn(out2.shape, generator=g)).sum().backward()  # only the second chunk
    grads = {n: p.grad for n, p in cell.named_parameters()}
    lstm = _lstm(i, h, seed)
    with torch.no_grad():
        out, (h_n, c_n) = lstm(x)
    # torch's gradients for the same truncated loss: the second chunk from a detached state
    lstm2 = _lstm(i, h, seed)
    with torch.no_grad():
        _, state = lstm2(x[:, :4])
    out2_ref, _ = lstm2(x[:, 4:], state)
    (out2_ref * torch.randn(out2_ref.shape, generator=_gen(seed + 500))).sum().backward()
    ref_grads = {n.removesuffix("_l0"): p.grad for n, p in lstm2.named_parameters()}
    return {"kind": kind,
            "mine": {"out": torch.cat([out1, out2], dim=1).detach(), "h_n": h2.detach(),
                     "c_n": c2.detach()},
            "torch": {"out": out, "h_n": h_n, "c_n": c_n},
            "grads": grads, "torch_grads": ref_grads}


@source_probe
def no_torch_lstm(source):
    "the source uses none of torch's LSTM (or other recurrent) modules and functions"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, BANNED)
    if found:
        return (f"found {found}: write the gates and the loop yourself (torch's recurrent "
                "modules and functions are not allowed)")
    return None
