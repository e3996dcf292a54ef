"""Probes for compile_for_inference. Every probe builds its own seeded models and inputs, resets
TorchDynamo's caches first, and compiles only with the "eager"/"aot_eager" backends or with a
counting backend made here (a callable backend that records each graph Dynamo hands it and
each run of it), never with inductor."""

import torch
import torch.nn.functional as F
from torch import nn

from torchdojo.probes import compare, probe, raised


def _fresh() -> None:
    """Forget earlier compilations, so every probe starts from the same state."""
    import torch._dynamo

    torch._dynamo.reset()


class _Counter:
    """A torch.compile backend that runs each captured graph as it is and counts graphs/runs."""

    def __init__(self):
        self.graphs = 0
        self.runs = 0

    def __call__(self, gm, example_inputs):
        self.graphs += 1

        def run(*args):
            self.runs += 1
            return gm.forward(*args)

        return run


class _Net(nn.Module):
    """An MLP with BatchNorm and Dropout, so train mode and eval mode give different outputs."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.bn = nn.BatchNorm1d(16)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):  # (B, 6)
        return self.fc2(self.drop(F.relu(self.bn(self.fc1(x)))))  # (B, 3)


class _ConvNet(nn.Module):
    """A small CNN with BatchNorm2d and Dropout for 4-D inputs."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):  # (B, 3, H, W)
        h = F.relu(self.bn(self.conv(x))).mean(dim=(2, 3))  # (B, 4)
        return self.fc(self.drop(h))  # (B, 2)


class _Chatty(nn.Module):
    """A model whose forward prints: a graph break."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        print("batch of", x.shape[0])
        return self.fc(x)


def _trained(cls, seed: int) -> nn.Module:
    """A seeded model in train mode with non-trivial BatchNorm statistics."""
    torch.manual_seed(seed)
    model = cls()
    for mod in model.modules():
        if isinstance(mod, nn.modules.batchnorm._BatchNorm):
            mod.running_mean.normal_(0.0, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.normal_(0.0, 0.3)
    return model.train()


def _output(out) -> dict:
    """What one call returned: its values (as a plain copy) and what kind of tensor it is."""
    if not isinstance(out, torch.Tensor):
        return {"type": type(out).__name__}
    return {"type": "Tensor", "values": out.detach().clone(), "requires_grad": out.requires_grad,
            "has_grad_fn": out.grad_fn is not None, "is_inference": torch.is_inference(out)}


def _outputs_judge(got, ref):
    for key in ref:
        g, r = got[key], ref[key]
        if g["type"] != "Tensor":
            return f"{key}: the predictor returned {g['type']}, expected a Tensor"
        why = compare(g["values"], r["values"], rtol=1e-5, atol=1e-6)
        if why:
            return f"{key}: the outputs differ from the model's eval-mode outputs ({why})"
        for prop in ("requires_grad", "has_grad_fn", "is_inference"):
            if g[prop] != r[prop]:
                return (f"{key}: output {prop} is {g[prop]}, expected {r[prop]} (no autograd "
                        "graph: run under torch.inference_mode())")
    return None


@probe(public=True, judge=_outputs_judge)
def mlp_batches_1_and_8(m):
    "an MLP with BatchNorm and Dropout in train mode, example batch 4: outputs for batches 1, 8, 8"
    _fresh()
    model = _trained(_Net, 1)
    g = torch.Generator().manual_seed(11)
    predict = m.optimize_for_inference(model, torch.randn(4, 6, generator=g), backend="eager")
    return {f"batch {b}": _output(predict(torch.randn(b, 6, generator=g))) for b in (1, 8, 8)}


@probe(judge=_outputs_judge)
def cnn_batches_1_and_8(m):
    "a CNN with BatchNorm2d and Dropout in train mode: outputs for batches 1 and 8"
    _fresh()
    model = _trained(_ConvNet, 2)
    g = torch.Generator().manual_seed(12)
    predict = m.optimize_for_inference(model, torch.randn(2, 3, 6, 6, generator=g),
                                       backend="eager")
    return {f"batch {b}": _output(predict(torch.randn(b, 3, 6, 6, generator=g))) for b in (1, 8)}


def _snapshot(model: nn.Module) -> dict:
    return {"training": {n: mod.training for n, mod in model.named_modules()},
            "requires_grad": {n: p.requires_grad for n, p in model.named_parameters()},
            "state": {k: v.detach().clone() for k, v in model.state_dict().items()},
            "grads": {n: p.grad is not None for n, p in model.named_parameters()}}


def _untouched_judge(got, ref):
    for when in ("after optimize_for_inference", "after three predictions"):
        g, r = got[when], ref[when]
        for key, what in (("training", "train/eval mode of its modules"),
                          ("requires_grad", "requires_grad flags"), ("grads", ".grad fields")):
            if g[key] != r[key]:
                changed = sorted(k for k in r[key] if g[key].get(k) != r[key][k])
                return f"{when}, the caller's model changed its {what}: {changed}"
        why = compare(g["state"], r["state"], rtol=0, atol=0)
        if why:
            return f"{when}, the caller's parameters or buffers changed ({why})"
    return None


@probe(judge=_untouched_judge)
def caller_model_untouched(m):
    "the caller's model (mixed train/eval modes, one frozen layer) keeps modes, flags, weights"
    _fresh()
    model = _trained(_Net, 3)
    model.drop.eval()  # the caller's own choice of modes
    model.fc1.requires_grad_(False)  # and of frozen layers
    g = torch.Generator().manual_seed(13)
    predict = m.optimize_for_inference(model, torch.randn(4, 6, generator=g), backend="eager")
    after_build = _snapshot(model)
    for b in (1, 8, 5):
        predict(torch.randn(b, 6, generator=g))
    return {"after optimize_for_inference": after_build, "after three predictions": _snapshot(model)}


def _backend_judge(got, ref):
    if got["graphs at build"] < 1:
        return ("the backend passed in was not used while optimize_for_inference ran: compile "
                "with it and run the example once before returning")
    if got["runs per call"] != ref["runs per call"]:
        return (f"the graphs compiled by the given backend ran {got['runs per call']} times for "
                f"four calls, expected {ref['runs per call']} (one whole graph per call)")
    return compare(got["out"], ref["out"], rtol=1e-5, atol=1e-6)


@probe(judge=_backend_judge)
def uses_given_backend(m):
    "the backend argument is what compiles the model, and each call runs one compiled graph"
    _fresh()
    model = _trained(_Net, 4)
    counter = _Counter()
    g = torch.Generator().manual_seed(14)
    predict = m.optimize_for_inference(model, torch.randn(4, 6, generator=g), backend=counter)
    built = counter.graphs
    runs, out = [], None
    for b in (4, 1, 8, 3):
        before = counter.runs
        out = predict(torch.randn(b, 6, generator=g))
        runs.append(counter.runs - before)
    out = out.detach().clone() if isinstance(out, torch.Tensor) else None
    return {"graphs at build": built, "runs per call": runs, "out": out}


@probe
def graph_break_is_an_error(m):
    "a model whose forward prints (a graph break): optimize_for_inference itself must raise"
    _fresh()
    model = _Chatty()
    return raised(lambda: m.optimize_for_inference(model, torch.randn(4, 6), backend="eager"))


# ---- ClippedHead ------------------------------------------------------------------------------

def _head(m, seed: int):
    """The learner's ClippedHead with probe-made seeded weights (strict load)."""
    g = torch.Generator().manual_seed(seed)
    head = m.ClippedHead()
    state = {"norm.weight": 1.0 + 0.2 * torch.randn(8, generator=g),
             "norm.bias": 0.2 * torch.randn(8, generator=g),
             "fc1.weight": 0.6 * torch.randn(16, 8, generator=g),
             "fc1.bias": 0.3 * torch.randn(16, generator=g),
             "fc2.weight": 0.4 * torch.randn(3, 16, generator=g),
             "fc2.bias": 0.1 * torch.randn(3, generator=g)}
    head.load_state_dict(state, strict=True)
    return head, g


def _fullgraph_judge(got, ref):
    if got["error"] is not None:
        return (f"torch.compile(head, fullgraph=True) raised {got['error']}: the forward still "
                "has a graph break")
    if got["graphs"] != ref["graphs"]:
        return f"Dynamo captured {got['graphs']} graphs for one call, expected {ref['graphs']}"
    return compare(got["out"], ref["out"])


@probe(public=True, judge=_fullgraph_judge)
def head_compiles_fullgraph(m):
    "ClippedHead compiles with fullgraph=True as one graph and gives the right values (batch 6)"
    _fresh()
    head, g = _head(m, 21)
    counter = _Counter()
    compiled = torch.compile(head, fullgraph=True, backend=counter)
    x = torch.randn(6, 8, generator=g)
    out = []
    error = raised(lambda: out.append(compiled(x)))
    return {"error": error, "graphs": counter.graphs,
            "out": out[0].detach().clone() if out else None}


@probe
def head_eager_values(m):
    "ClippedHead's eager outputs on batches of 1 and 7 (rows above and below the limit)"
    head, g = _head(m, 22)
    with torch.no_grad():
        return [head(torch.randn(b, 8, generator=g)) for b in (1, 7)]


@probe
def head_rows_independent(m):
    "one row's output does not depend on the other rows of the batch"
    head, g = _head(m, 23)
    x = torch.randn(5, 8, generator=g)
    x[0] *= 40.0  # one extreme row
    with torch.no_grad():
        return [head(x), head(x[1:])]


@probe
def head_gradients(m):
    "gradients of a loss through the compiled head reach every parameter and the input"
    _fresh()
    head, g = _head(m, 24)
    compiled = torch.compile(head, fullgraph=True, backend="eager")
    x = torch.randn(6, 8, generator=g, requires_grad=True)
    compiled(x).square().sum().backward()
    grads = {n: None if p.grad is None else p.grad.clone() for n, p in head.named_parameters()}
    return {"params": grads, "x": x.grad}


@probe
def head_dynamic_batch(m):
    "ClippedHead compiles with fullgraph=True, dynamic=True: batches 2, 3 and 9"
    _fresh()
    head, g = _head(m, 25)
    compiled = torch.compile(head, fullgraph=True, dynamic=True, backend="eager")
    with torch.no_grad():
        return [compiled(torch.randn(b, 8, generator=g)) for b in (2, 3, 9)]
