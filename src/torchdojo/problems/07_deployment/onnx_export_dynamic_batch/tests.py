import os
import tempfile
import warnings

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

# Each export costs a second or more: every case is exported once per check and the probes
# share what was observed (all probes of a check run in one process).
_CACHE: dict = {}


class _ConvNet(nn.Module):
    """Conv + BatchNorm + Dropout: eval and training mode give different outputs."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(4 * 5 * 5, 3)

    def forward(self, images):  # not called x on purpose
        h = torch.relu(self.bn(self.conv(images)))  # (B, 4, 5, 5)
        return self.fc(self.drop(h.flatten(1)))  # (B, 3)


class _Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.bn = nn.BatchNorm1d(8)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.bn(self.fc1(x)))))  # (B, 2)


def _seeded(cls, seed):
    torch.manual_seed(seed)
    model = cls()
    with torch.no_grad():  # running statistics that are not the identity
        model.bn.running_mean.normal_()
        model.bn.running_var.uniform_(0.5, 2.0)
        model.bn.weight.uniform_(0.5, 1.5)
        model.bn.bias.normal_()
    return model


_CASES = {
    # model class, seed, caller's mode, example shape, names passed, batch sizes run in ORT
    "conv_train": (_ConvNet, 1, True, (3, 2, 5, 5), {"input_name": "pixels",
                                                      "output_name": "logits"}, (1, 5)),
    "mlp_eval": (_Mlp, 2, False, (2, 6), {}, (1, 7)),
}
_LEGACY = ("DeprecationWarning", "FutureWarning", "PendingDeprecationWarning")


def _dims(value_info):
    return ["symbolic" if d.dim_param else (d.dim_value if d.HasField("dim_value") else None)
            for d in value_info.type.tensor_type.shape.dim]


def _run_case(m, case):
    import onnx
    import onnxruntime as ort

    cls, seed, training, shape, names, batches = _CASES[case]
    model = _seeded(cls, seed).train(training)
    example = torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    path = os.path.join(tempfile.mkdtemp(), "model.onnx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m.export_onnx(model, example, path, **names)
    legacy = sorted({w.category.__name__ for w in caught if w.category.__name__ in _LEGACY})
    caller = {"modes": [mod.training for mod in model.modules()],
              "requires_grad": [p.requires_grad for p in model.parameters()],
              "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}

    proto = onnx.load(path)
    graph = {"checker": raised(lambda: onnx.checker.check_model(proto, full_check=True)),
             "inputs": [v.name for v in proto.graph.input],
             "outputs": [v.name for v in proto.graph.output],
             "input_dims": _dims(proto.graph.input[0]) if proto.graph.input else None,
             "output_dims": _dims(proto.graph.output[0]) if proto.graph.output else None,
             "ir_version": proto.ir_version}

    # the file runs as written: no graph optimisation may drop a training-mode node
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    feed = sess.get_inputs()[0].name  # whatever the file calls it: the names are checked apart
    gen = torch.Generator().manual_seed(seed + 100)
    outputs = {}
    for b in batches:
        x = torch.randn((b, *shape[1:]), generator=gen).numpy()
        try:
            outputs[f"batch {b}"] = sess.run(None, {feed: x})[0]
        except Exception as exc:  # noqa: BLE001 - a refused batch size is the observation
            outputs[f"batch {b}"] = f"onnxruntime refused it: {type(exc).__name__}"
    return {"legacy": legacy, "caller": caller, "graph": graph, "outputs": outputs}


def _case(m, case):
    key = (id(m), case)
    if key not in _CACHE:
        try:
            _CACHE[key] = (m, None, _run_case(m, case))
        except Exception as exc:  # noqa: BLE001 - raised again in every probe that needs it
            _CACHE[key] = (m, exc, None)
    _, exc, obs = _CACHE[key]
    if exc is not None:
        raise exc
    return obs


def _outputs_judge(got, ref):
    for key, r in ref.items():
        g = got.get(key) if isinstance(got, dict) else None
        if isinstance(g, str):
            return f"{key}: {g} (is dim 0 of the input dynamic?)"
        why = compare(g, r, rtol=1e-4, atol=1e-5)
        if why:
            return (f"{key}: the file's output differs from the model's eval-mode output ({why}); "
                    "onnxruntime runs it with graph optimisations off")
    return None


def _graph_judge(got, ref):
    if got["checker"] is not None:
        return f"onnx.checker.check_model(full_check=True) rejects the file ({got['checker']})"
    for key in ("inputs", "outputs"):
        if got[key] != ref[key]:
            return f"the graph's {key} are named {got[key]}, expected {ref[key]}"
    for key in ("input_dims", "output_dims"):
        if got[key] != ref[key]:
            return (f"the graph's {key.replace('_', ' ')} are {got[key]}, expected {ref[key]} "
                    "(dim 0 symbolic, the others fixed)")
    if got["ir_version"] != ref["ir_version"]:
        return (f"the file has ONNX IR version {got['ir_version']}, the current exporter writes "
                f"{ref['ir_version']}: was it written by the deprecated TorchScript exporter?")
    return None


def _caller_judge(got, ref):
    if got["modes"] != ref["modes"]:
        return (f"after the export the modules' training flags are {got['modes']}, the caller "
                f"had {ref['modes']}")
    if got["requires_grad"] != ref["requires_grad"]:
        return f"after the export requires_grad is {got['requires_grad']}, it was all True"
    why = compare(got["state"], ref["state"], rtol=0, atol=0)
    return None if why is None else f"the export changed the caller's state_dict ({why})"


@probe(public=True, judge=_outputs_judge)
def conv_model_outputs(m):
    "conv+BN+dropout model in training mode, exported at batch 3; onnxruntime at batch 1 and 5"
    return _case(m, "conv_train")["outputs"]


@probe(public=True, judge=_graph_judge)
def conv_model_graph(m):
    "the file passes onnx.checker; input/output names as asked; dim 0 symbolic"
    return _case(m, "conv_train")["graph"]


@probe(judge=_caller_judge)
def conv_model_caller_untouched(m):
    "the caller's model afterwards: training flags, requires_grad, weights and buffers"
    return _case(m, "conv_train")["caller"]


def _legacy_judge(got, ref):
    if got != ref:
        return (f"the export emitted {got}: use the current torch.export-based exporter and "
                "its dynamic_shapes")
    return None


@probe(judge=_legacy_judge)
def current_exporter(m):
    "the export emits no deprecation warnings"
    return _case(m, "conv_train")["legacy"]


@probe(judge=_outputs_judge)
def mlp_eval_outputs(m):
    "an MLP with BatchNorm1d and dropout, already in eval mode, default names; batch 1 and 7"
    return _case(m, "mlp_eval")["outputs"]


@probe(judge=_graph_judge)
def mlp_eval_graph(m):
    "the MLP's file: checker, default names, dim 0 symbolic"
    return _case(m, "mlp_eval")["graph"]


@probe(judge=_caller_judge)
def mlp_eval_caller_untouched(m):
    "a model the caller had in eval mode stays in eval mode"
    return _case(m, "mlp_eval")["caller"]
