"""Probes for static_ptq_calibration. Each probe makes a seeded Gaussian-blob classification task
(16 features, 4 classes), trains a small MLP on it in the probe (single-threaded, seeded: the same
weights for the learner and the reference), hands the learner the model, an example batch and a
calibration loader, and returns what the converted graph does on held-out data: its logits
(compared closely with the reference's converted graph), its predictions and the float model's,
the labels, the dtypes of the weights the graph stores, and how the loader was consumed."""

import copy
import warnings

import torch
from torch import nn

from torchdojo.probes import compare, probe

D, C = 16, 4


def _task(seed: int):
    """Overlapping blobs: train, calibration and held-out sets."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(C, D, generator=g) * 0.8

    def blobs(n):
        y = torch.randint(0, C, (n,), generator=g)
        return centers[y] + torch.randn(n, D, generator=g), y

    return blobs(512), blobs(128), blobs(256)


def _trained(seed: int, dropout: float = 0.1) -> nn.Sequential:
    """A small MLP with Dropout, trained for 40 full-batch Adam steps; left in train mode."""
    (x, y), _, _ = _task(seed)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(D, 64), nn.ReLU(), nn.Dropout(dropout), nn.Linear(64, 64),
                          nn.ReLU(), nn.Linear(64, C))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(40):
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


class _Loader:
    """Yields (x, y) batches like a DataLoader without shuffling, and counts what was drawn."""

    def __init__(self, x, y, batch_size):
        self.batches = list(zip(x.split(batch_size), y.split(batch_size), strict=True))
        self.passes, self.drawn = 0, 0

    def __iter__(self):
        self.passes += 1
        for b in self.batches:
            self.drawn += 1
            yield b

    def __len__(self):
        return len(self.batches)


def _weight_dtypes(gm) -> list:
    """The dtype of the weight each linear in the graph reads, as stored in the graph."""
    out = []
    for node in gm.graph.nodes:
        if node.op != "call_function" or "linear" not in str(node.target):
            continue
        w = node.args[1]
        if getattr(w, "op", None) == "call_function" and "dequantize" in str(w.target):
            w = w.args[0]  # the stored tensor behind the dequantize
        if getattr(w, "op", None) == "get_attr":
            t = gm
            for part in str(w.target).split("."):
                t = getattr(t, part)
            out.append(str(t.dtype))
        else:
            out.append(f"computed by {getattr(w, 'op', type(w).__name__)}")
    return out


def _experiment(m, seed: int, loader: _Loader | None = None, train_mode: bool = False) -> dict:
    _, (xc, yc), (xt, yt) = _task(seed)
    model = _trained(seed)
    model.train(train_mode)
    loader = loader or _Loader(xc, yc, 32)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    flags = [mod.training for mod in model.modules()]
    example = xc[:8].clone()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        q = m.static_quantize(model, example, loader)
    obs = {
        "warnings": sorted({str(w.message).split(".")[0][:60] for w in caught
                            if issubclass(w.category, UserWarning)}),
        "passes": loader.passes, "drawn": loader.drawn,
        "caller_flags_same": [mod.training for mod in model.modules()] == flags,
        "caller_weights": {k: v.clone() for k, v in model.state_dict().items()},
        "caller_before": before,
        "is_graph": isinstance(q, torch.fx.GraphModule),
    }
    if not obs["is_graph"]:
        return obs
    ref_float = copy.deepcopy(model).eval()
    with torch.no_grad():
        obs["logits"] = q(xt).clone()  # (256, C): another batch size than the example
        obs["logits_one"] = q(xt[:1]).clone()  # (1, C)
        obs["logits_again"] = q(xt).clone()  # the same input twice: no randomness left
        obs["float_pred"] = ref_float(xt).argmax(1)
    obs["pred"] = obs["logits"].argmax(1)
    obs["labels"] = yt
    obs["weights"] = _weight_dtypes(q)
    return obs


def _judge(got, ref):
    if not got["is_graph"]:
        return "static_quantize must return the converted torch.fx.GraphModule"
    if not got["caller_flags_same"]:
        return "the caller's model changed train/eval mode: work on a copy"
    why = compare(got["caller_weights"], got["caller_before"], rtol=0, atol=0)
    if why:
        return f"the caller's model was modified ({why})"
    if got["weights"] != ref["weights"]:
        return (f"the converted graph's linear layers read weights stored as {got['weights']}, "
                f"expected {ref['weights']} (int8 weights folded into the graph)")
    if (got["passes"], got["drawn"]) != (ref["passes"], ref["drawn"]):
        return (f"the calibration loader was iterated {got['passes']} time(s) for "
                f"{got['drawn']} batches; expected one pass over all {ref['drawn']}")
    if got["warnings"] != ref["warnings"]:
        return f"quantising warned: {got['warnings']}"
    why = compare(got["logits_again"], got["logits"], rtol=0, atol=0)
    if why:
        return "the converted model gives different outputs for the same input (still random?)"
    n = got["labels"].numel()
    acc_float = float((got["float_pred"] == got["labels"]).sum()) / n
    acc_q = float((got["pred"] == got["labels"]).sum()) / n
    if acc_q < acc_float - 0.02:
        return (f"held-out accuracy fell from {acc_float:.3f} (float) to {acc_q:.3f} (int8): "
                "more than 2 points")
    for key, what in (("logits", "a batch of 256"), ("logits_one", "a batch of 1")):
        why = compare(got[key], ref[key], rtol=1e-4, atol=1e-4)
        if why:
            return (f"the converted model's outputs on held-out data ({what}) differ from the "
                    f"reference's int8 model (calibration, quantizer config or export): {why}")
    return None


@probe(public=True, judge=_judge)
def calibrated_classifier(m):
    "a trained blob classifier, 4 calibration batches of 32: int8 weights, accuracy, outputs"
    return _experiment(m, 1)


@probe(judge=_judge)
def caller_in_training_mode(m):
    "the same recipe on a model handed over in train mode (with Dropout): caller left untouched"
    return _experiment(m, 2, train_mode=True)


@probe(judge=_judge)
def calibration_batches_differ(m):
    "a calibration loader whose batches cover different ranges: every batch must count"
    _, (xc, yc), _ = _task(3)
    scale = torch.linspace(0.5, 2.0, 6).repeat_interleave(16).unsqueeze(1)  # (96, 1)
    return _experiment(m, 3, loader=_Loader(xc[:96] * scale, yc[:96], 16))
