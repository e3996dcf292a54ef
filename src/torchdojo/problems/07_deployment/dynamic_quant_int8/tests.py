"""Probes for dynamic_quant_int8. Every probe builds its own seeded float MLP and input, calls the
learner's quantize_and_compare and returns what came back together with the probe's own
measurements of the returned model (its state-dict bytes, the kind of its Linear weights, its
outputs on fresh float input) and of the caller's model afterwards. Judges compare them with the
reference's observations: the sizes exactly, the error and the outputs closely."""

import io

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised


def _mlp(seed: int, widths: tuple[int, ...], dropout: float = 0.0) -> nn.Sequential:
    """A seeded float MLP; Dropout (when asked) after every hidden ReLU."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def _bytes(module: nn.Module) -> int:
    """The probe's own measurement: torch.save of the state dict into memory."""
    buf = io.BytesIO()
    torch.save(module.state_dict(), buf)
    return len(buf.getvalue())


def _bytes_differ(got: int, ref: int) -> bool:
    """Sizes agree within 0.2% + 512 bytes: a file's archive records are named after the file
    (``model/data.pkl``; ``archive/...`` in memory), which moves the zip's padding a little."""
    return abs(got - ref) > 0.002 * ref + 512


def _weights(module: nn.Module) -> list:
    """For every nn.Linear: the weight's class and the dtype its int8 payload is stored in."""
    out = []
    for lin in module.modules():
        if isinstance(lin, nn.Linear):
            w = lin.weight
            qdata = getattr(w, "qdata", None)
            out.append([type(w).__name__, str(getattr(qdata, "dtype", None))])
    return out


def _report(report) -> dict:
    """The returned dict as plain data, with the type of each value."""
    if not isinstance(report, dict):
        return {"kind": type(report).__name__}
    out = {"kind": "dict", "keys": sorted(str(k) for k in report)}
    for key in ("fp32_bytes", "int8_bytes", "max_abs_err"):
        v = report.get(key)
        out[key + "_type"] = type(v).__name__
        out[key] = v if type(v) in (int, float) else None
    return out


def _run(m, model: nn.Module, x: torch.Tensor, mode: str) -> dict:
    """Call the learner's function; observe the report and the returned model."""
    result = m.quantize_and_compare(model, x, mode)
    if not (isinstance(result, tuple) and len(result) == 2):
        return {"shape": type(result).__name__}
    qmodel, report = result
    obs = {"shape": "tuple", "report": _report(report), "is_caller": qmodel is model}
    if isinstance(qmodel, nn.Module):
        obs["measured_int8"] = _bytes(qmodel)
        obs["weights"] = _weights(qmodel)
        obs["training"] = qmodel.training
        g = torch.Generator().manual_seed(7)
        with torch.inference_mode():
            fresh = torch.randn(5, x.shape[-1], generator=g)  # float32, another batch size
            obs["out"] = qmodel(fresh).clone()
            obs["out_row"] = qmodel(fresh[2:3]).clone()  # batch of one
    return obs


def _judge_run(got, ref, with_bounds: bool = True) -> str | None:
    if got.get("shape") != "tuple":
        return f"quantize_and_compare must return a tuple (qmodel, report), got {got.get('shape')}"
    rep, rrep = got["report"], ref["report"]
    if rep.get("kind") != "dict":
        return f"the report must be a dict, got {rep.get('kind')}"
    for key in ("fp32_bytes", "int8_bytes", "max_abs_err"):
        if rep.get(key + "_type") != rrep[key + "_type"]:
            return (f"report[{key!r}] must be a Python {rrep[key + '_type']}, "
                    f"got {rep.get(key + '_type')}")
    if got["is_caller"]:
        return "the returned model is the caller's model: quantise a copy"
    if "weights" not in got:
        return "the first element of the returned tuple is not an nn.Module"
    if got["weights"] != ref["weights"]:
        return (f"the returned model's Linear weights are {got['weights']} (class, payload dtype), "
                f"expected {ref['weights']}")
    if _bytes_differ(rep["fp32_bytes"], rrep["fp32_bytes"]):
        return (f"fp32_bytes is {rep['fp32_bytes']}, but torch.save of the float model's state "
                f"dict writes {rrep['fp32_bytes']} bytes")
    if _bytes_differ(rep["int8_bytes"], got["measured_int8"]):
        return (f"int8_bytes is {rep['int8_bytes']}, but torch.save of the returned model's "
                f"state dict writes {got['measured_int8']} bytes")
    if got["measured_int8"] != ref["measured_int8"]:
        return (f"the returned model's state dict serialises to {got['measured_int8']} bytes, "
                f"expected {ref['measured_int8']}: quantise the Linear layers with the config "
                "the mode names, and nothing else")
    if with_bounds and not rep["int8_bytes"] < 0.3 * rep["fp32_bytes"]:
        return "the int8 model should be smaller than 0.3x the float one"
    if compare(rep["max_abs_err"], rrep["max_abs_err"], rtol=1e-3, atol=1e-6):
        return (f"max_abs_err is {rep['max_abs_err']:.6g}, expected {rrep['max_abs_err']:.6g} "
                "(the largest |float output - int8 output| on x, both models in eval mode)")
    if with_bounds and not rep["max_abs_err"] < 0.05:
        return f"max_abs_err {rep['max_abs_err']:.4g} is too large for int8 weights"
    if got["training"] is not False:
        return "the returned model should be in eval mode"
    for key, what in (("out", "a batch of 5"), ("out_row", "a batch of 1")):
        why = compare(got[key], ref[key], rtol=1e-4, atol=1e-5)
        if why:
            return f"the returned model's output on fresh float input ({what}) is wrong: {why}"
    return None


@probe(public=True, judge=_judge_run)
def mlp_256_512_dynamic(m):
    "a 256-512-512-10 MLP, mode='dynamic': sizes, error, int8 weights, output on float input"
    model = _mlp(1, (256, 512, 512, 10)).eval()
    x = torch.randn(16, 256)
    return _run(m, model, x, "dynamic")


@probe(judge=_judge_run)
def mlp_weight_only(m):
    "a 128-512-256-8 MLP, mode='weight_only': sizes, error, int8 weights, output on float input"
    model = _mlp(2, (128, 512, 256, 8)).eval()
    x = torch.randn(12, 128) * 2
    return _run(m, model, x, "weight_only")


def _state(model: nn.Module) -> dict:
    return {
        "tensors": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "classes": {k: type(v).__name__ for k, v in model.state_dict().items()},
        "training": [mod.training for mod in model.modules()],
        "requires_grad": [p.requires_grad for p in model.parameters()],
    }


def _judge_caller(got, ref):
    why = _judge_run(got["run"], ref["run"])
    if why:
        return why
    before, after = got["before"], got["after"]
    if after["classes"] != before["classes"]:
        return "the caller's model was quantised: its state dict now holds other tensor classes"
    if after["training"] != before["training"]:
        return "the caller's model changed mode (train/eval): leave it as it was"
    if after["requires_grad"] != before["requires_grad"]:
        return "the caller's parameters changed requires_grad"
    why = compare(after["tensors"], before["tensors"], rtol=0, atol=0)
    if why:
        return f"the caller's model was modified ({why})"
    return None


@probe(judge=_judge_caller)
def caller_model_in_training(m):
    "a 256-512-512-10 MLP with Dropout, still in train mode: the caller's model is left untouched"
    model = _mlp(3, (256, 512, 512, 10), dropout=0.3).train()
    x = torch.randn(8, 256)
    before = _state(model)
    run = _run(m, model, x, "dynamic")
    return {"run": run, "before": before, "after": _state(model)}


def _judge_small(got, ref):
    return _judge_run(got, ref, with_bounds=False)


@probe(judge=_judge_small)
def tiny_linear_grows(m):
    "a single 10->1 Linear: quantisation metadata outweighs 10 weights (sizes still measured)"
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(10, 1)).eval()
    x = torch.randn(6, 10)
    return _run(m, model, x, "dynamic")


def _judge_sizes(got, ref):
    if not isinstance(got, list) or len(got) != len(ref):
        return "the probe could not read three sizes"
    for i, (g, r) in enumerate(zip(got, ref, strict=True)):
        if type(g) is not int:
            return f"state_dict_bytes must return a Python int, got {g}"
        if _bytes_differ(g, r):
            return (f"model {i + 1} of 3: state_dict_bytes gave {g}, but torch.save of its "
                    f"state dict writes {r} bytes")
    return None


@probe(public=True, judge=_judge_sizes)
def state_dict_sizes(m):
    "state_dict_bytes on a float MLP, one with BatchNorm buffers, and an int8-quantised MLP"
    from torchao.quantization import Int8WeightOnlyConfig, quantize_

    mlp = _mlp(5, (64, 128, 4))
    torch.manual_seed(6)
    bn = nn.Sequential(nn.Linear(16, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 3))
    q = _mlp(5, (64, 128, 4))
    quantize_(q, Int8WeightOnlyConfig())
    sizes = [m.state_dict_bytes(mlp), m.state_dict_bytes(bn), m.state_dict_bytes(q)]
    return [s if type(s) is int else f"{type(s).__name__} {s!r}"[:80] for s in sizes]


@probe
def unknown_mode(m):
    "an unknown mode is refused"
    model = _mlp(8, (16, 8, 2)).eval()
    return raised(lambda: m.quantize_and_compare(model, torch.randn(2, 16), "int4"))
