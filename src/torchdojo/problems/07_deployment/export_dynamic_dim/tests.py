"""Probes for export_dynamic_dim. Every model is built here from a seed (the learner's RoutedHead
gets a seeded state_dict, loaded strictly); every input is seeded. The learner's export_model /
load_exported round trip, the program file read back with torch.export.load by the probe itself,
a torch.export of the learner's RoutedHead done by the probe, and exports_cleanly's verdicts on
models defined here are compared with the reference's same calls."""

import os
import tempfile

import torch
from torch import nn
from torch.export import Dim

from torchdojo.probes import probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


class _MLP(nn.Module):
    def __init__(self, d_in: int, d_hidden: int, d_out: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


class _Pool3d(nn.Module):
    """(B, T, C) -> (B, O); the forward's argument is not called x."""

    def __init__(self) -> None:
        super().__init__()
        self.proj = nn.Linear(5, 3)

    def forward(self, inp):
        return torch.relu(self.proj(inp)).mean(dim=1)


class _Legacy(nn.Module):
    """The statement's LegacyRoutedHead: a Python if on a tensor value."""

    def __init__(self, d_in: int, d_hidden: int, d_out: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.pos = nn.Linear(d_hidden, d_out)
        self.neg = nn.Linear(d_hidden, d_out)

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        if h.mean() > 0:
            return self.pos(h)
        return self.neg(h)


class _CondHead(_Legacy):
    """The same choice written with torch.cond: exportable."""

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        return torch.cond(h.mean() > 0, lambda t: self.pos(t), lambda t: self.neg(t), (h,))


class _FixedBatch(nn.Module):
    """Hard-codes the batch size in a reshape: exports only with a static batch."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(x).reshape(4, 2, 2).sum(dim=-1)


def _run(f, x):
    """f(x) detached, or the name of the exception it raised."""
    try:
        with torch.no_grad():
            out = f(x)
    except Exception as exc:  # noqa: BLE001 - the failure is the observation
        return f"raised {type(exc).__name__}"
    return out.detach().clone() if isinstance(out, torch.Tensor) else f"returned {type(out).__name__}"


def _head_state(seed: int, bias_shift: float | None) -> dict:
    """A seeded RoutedHead(8, 16, 4) state_dict; fc1.bias shifted, or zeroed when None."""
    torch.manual_seed(seed)
    state = _Legacy(8, 16, 4).state_dict()
    if bias_shift is None:
        state["fc1.bias"].zero_()  # then h(-x) == -h(x): x and -x take opposite branches
    else:
        state["fc1.bias"] += bias_shift
    return state


def _learner_head(m, state: dict) -> nn.Module:
    head = m.RoutedHead(8, 16, 4)
    head.load_state_dict(state, strict=True)
    return head.eval()


_CACHE: dict = {}


def _mlp_export(m) -> dict:
    """The learner's export_model on a seeded MLP, once per check (shared by two probes)."""
    if "mlp" not in _CACHE:
        torch.manual_seed(1)
        model = _MLP(8, 16, 4).eval()
        example = torch.randn(4, 8)
        path = os.path.join(tempfile.mkdtemp(), "mlp.pt2")
        m.export_model(model, example, path)
        _CACHE["mlp"] = {"path": path, "example": example}
    return _CACHE["mlp"]


@probe(public=True, **TOL)
def roundtrip_new_batches(m):
    "export_model then load_exported on a seeded MLP (example batch 4): outputs for batches 1 and 7"
    run = _mlp_export(m)
    f = m.load_exported(run["path"])
    g = torch.Generator().manual_seed(2)
    x1, x7 = torch.randn(1, 8, generator=g), torch.randn(7, 8, generator=g)
    return {"example": _run(f, run["example"]), "batch_1": _run(f, x1), "batch_7": _run(f, x7)}


@probe(**TOL)
def file_is_an_exported_program(m):
    "the file export_model wrote, opened with torch.export.load: its kind, which input dims are symbolic, an output"
    run = _mlp_export(m)
    try:
        program = torch.export.load(run["path"])
    except Exception as exc:  # noqa: BLE001 - the failure is the observation
        return {"load": f"torch.export.load raised {type(exc).__name__}"}
    obs = {"load": None, "kind": type(program).__name__}
    if not isinstance(program, torch.export.ExportedProgram):
        return obs
    names = list(program.graph_signature.user_inputs)
    nodes = {n.name: n for n in program.graph.nodes if n.op == "placeholder"}
    val = nodes[names[0]].meta.get("val") if names and names[0] in nodes else None
    obs["symbolic_dims"] = ([isinstance(d, torch.SymInt) for d in val.shape]
                            if isinstance(val, torch.Tensor) else None)
    obs["batch_5"] = _run(program.module(), torch.randn(5, 8, generator=torch.Generator().manual_seed(3)))
    return obs


@probe(**TOL)
def routed_head_matches_legacy(m):
    "RoutedHead (seeded state_dict) in eager mode on batches of several sizes and both regimes"
    g = torch.Generator().manual_seed(4)
    outs = []
    for i, (shift, batch) in enumerate([(-0.6, 3), (-0.2, 6), (0.0, 5), (0.0, 7), (0.2, 2),
                                         (0.6, 1), (0.0, 6), (0.1, 4)]):
        head = _learner_head(m, _head_state(10 + i, shift))
        outs.append(_run(head, torch.randn(batch, 8, generator=g)))
    return outs


@probe(public=True, **TOL)
def routed_head_exports(m):
    "torch.export of your RoutedHead (dynamic batch); the one program run on inputs that take each branch"
    head = _learner_head(m, _head_state(20, None))
    g = torch.Generator().manual_seed(5)
    x4, x1, x7 = (torch.randn(b, 8, generator=g) for b in (4, 1, 7))
    try:
        program = torch.export.export(head, (x4,), dynamic_shapes=({0: Dim("batch")},))
    except Exception as exc:  # noqa: BLE001 - the failure is the observation
        return f"torch.export.export raised {type(exc).__name__}"
    f = program.module()
    return {"batch_1": _run(f, x1), "batch_1_flipped": _run(f, -x1),
            "batch_7": _run(f, x7), "batch_7_flipped": _run(f, -x7)}


@probe(**TOL)
def routed_head_roundtrip(m):
    "your RoutedHead through export_model / load_exported; batches 1 and 7, each branch"
    head = _learner_head(m, _head_state(21, None))
    g = torch.Generator().manual_seed(6)
    x3, x1, x7 = (torch.randn(b, 8, generator=g) for b in (3, 1, 7))
    path = os.path.join(tempfile.mkdtemp(), "head.pt2")
    m.export_model(head, x3, path)
    f = m.load_exported(path)
    return {"batch_1": _run(f, x1), "batch_1_flipped": _run(f, -x1),
            "batch_7": _run(f, x7), "batch_7_flipped": _run(f, -x7)}


@probe(**TOL)
def other_model_and_rank(m):
    "export_model / load_exported on a (B, T, C) model whose forward argument is named inp; batches 1 and 8"
    torch.manual_seed(7)
    model = _Pool3d().eval()
    g = torch.Generator().manual_seed(8)
    example, x1, x8 = (torch.randn(b, 6, 5, generator=g) for b in (3, 1, 8))
    path = os.path.join(tempfile.mkdtemp(), "pool.pt2")
    m.export_model(model, example, path)
    f = m.load_exported(path)
    return {"batch_1": _run(f, x1), "batch_8": _run(f, x8)}


@probe
def exports_cleanly_branches(m):
    "exports_cleanly on an MLP, the legacy Python-if head, a torch.cond head and your RoutedHead (Python bools)"
    torch.manual_seed(9)
    x = torch.randn(4, 8)
    return {"mlp": m.exports_cleanly(_MLP(8, 16, 4).eval(), x),
            "python_if": m.exports_cleanly(_Legacy(8, 16, 4).eval(), x),
            "torch_cond": m.exports_cleanly(_CondHead(8, 16, 4).eval(), x),
            "your_head": m.exports_cleanly(m.RoutedHead(8, 16, 4).eval(), x)}


@probe
def exports_cleanly_fixed_batch(m):
    "exports_cleanly on a model that only works for the example's batch size (a Python bool)"
    torch.manual_seed(11)
    return m.exports_cleanly(_FixedBatch().eval(), torch.randn(4, 8))
