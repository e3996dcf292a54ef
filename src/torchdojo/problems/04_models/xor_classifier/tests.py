"""Probes for xor_classifier: the two models' structure (state_dict keys and shapes, buffers vs
parameters) and, with seeded weights loaded, their logits, gradients and one SGD step against
the reference; the trainers' defaults, their weights after a few epochs and after none for a
given seed, seed reproducibility; and behaviour: the seed document's four XOR-like points and a
noisy 200-point XOR classified on held-out points."""

import inspect
import math

import torch

from torchdojo.probes import compare, probe

_X4 = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
_Y4 = [0, 1, 1, 0]


def _four():
    return torch.tensor(_X4), torch.tensor(_Y4)


def _noisy_xor(n: int, seed: int):
    """Gaussian blobs around (+-1, +-1); label 1 where the signs differ."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.randint(0, 2, (n, 2), generator=g).float() * 2 - 1  # (n, 2)
    x = 3.0 + centres + 0.35 * torch.randn(n, 2, generator=g)  # off-centre: needs the buffers
    return x, (centres[:, 0] != centres[:, 1]).long()


def _spec(model) -> dict:
    return {"params": {n: tuple(p.shape) for n, p in model.named_parameters()},
            "buffers": {n: tuple(b.shape) for n, b in model.named_buffers()}}


def _seeded_state(spec: dict, seed: int) -> dict:
    """Weights and buffers for the keys the statement fixes, from the probe's own generator."""
    g = torch.Generator().manual_seed(seed)
    sd = {k: torch.randn(shape, generator=g) for k, shape in spec.items()}
    sd["std"] = sd["std"].abs() + 0.5  # a positive scale
    return sd


def _structure_obs(model, sd: dict, x: torch.Tensor) -> dict:
    obs = {"type": type(model).__name__, "spec": _spec(model)}
    model.load_state_dict(sd, strict=True)
    out = model(x)
    out.pow(2).mean().backward()
    obs["out"] = out.detach().clone()
    obs["grads"] = {n: p.grad for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


def _structure_judge(got, ref):
    if got["spec"] != ref["spec"]:
        return (f"parameters {got['spec']['params']} and buffers {got['spec']['buffers']}; "
                f"expected parameters {ref['spec']['params']} and buffers "
                f"{ref['spec']['buffers']}")
    out, want = got["out"], ref["out"]
    if tuple(out.shape) != tuple(want.shape):
        return f"forward returned shape {tuple(out.shape)}, expected {tuple(want.shape)}"
    inside = bool(((out >= 0) & (out <= 1)).all())
    if inside and not bool(((want >= 0) & (want <= 1)).all()):
        return ("every output lies in [0, 1] although the reference's logits do not: forward "
                "must return logits, with no softmax or sigmoid")
    for key, text in (("out", "forward output"), ("grads", "gradients"),
                      ("after_step", "parameters after one SGD step")):
        why = compare(got[key], ref[key], rtol=1e-5, atol=1e-6, path=key)
        if why:
            return f"{text} differ from the reference with the same weights: {why}"
    return None


_XOR_SPEC = {"mean": (2,), "std": (2,), "fc1.weight": (5, 2), "fc1.bias": (5,),
             "fc2.weight": (2, 5), "fc2.bias": (2,)}
_BIN_SPEC = {"mean": (3,), "std": (3,), "fc1.weight": (4, 3), "fc1.bias": (4,),
             "fc2.weight": (1, 4), "fc2.bias": (1,)}


@probe(public=True, judge=_structure_judge)
def xornet_structure(m):
    "XorNet(hidden=5): state_dict keys and shapes; with seeded weights: logits, grads, SGD step"
    model = m.XorNet(hidden=5)
    x = 3.0 * torch.randn(7, 2)
    return _structure_obs(model, _seeded_state(_XOR_SPEC, 1), x)


@probe(judge=_structure_judge)
def binary_structure(m):
    "BinaryMLP(3, hidden=4): state_dict keys and shapes; with seeded weights: (B,) logits, grads"
    model = m.BinaryMLP(3, hidden=4)
    x = 3.0 * torch.randn(6, 3)
    return _structure_obs(model, _seeded_state(_BIN_SPEC, 2), x)


@probe(judge=_structure_judge)
def binary_batch_one(m):
    "BinaryMLP on a batch of one sample returns shape (1,)"
    model = m.BinaryMLP(3, hidden=4)
    return _structure_obs(model, _seeded_state(_BIN_SPEC, 3), 3.0 * torch.randn(1, 3))


def _defaults(fn) -> dict:
    return {k: p.default for k, p in inspect.signature(fn).parameters.items()
            if p.default is not inspect.Parameter.empty}


@probe
def default_arguments(m):
    "the default arguments of train_classifier and train_binary"
    return {"train_classifier": _defaults(m.train_classifier),
            "train_binary": _defaults(m.train_binary)}


def _state(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _trained_obs(model) -> dict:
    return {"type": type(model).__name__, "training": bool(model.training),
            "state": _state(model)}


def _same_as_ref(what: str):
    def judge(got, ref):
        if got["type"] != ref["type"]:
            return f"{what}: expected a {ref['type']}, got {got['type']}"
        if got["training"]:
            return f"{what}: the model came back in training mode; return it in eval mode"
        why = compare(got["state"], ref["state"], rtol=1e-4, atol=1e-6, path="state_dict")
        if why:
            return (f"{what}: the model differs from the reference's (same seed, same data, "
                    f"Adam, full-batch steps): {why}")
        return None
    return judge


@probe(public=True, judge=_same_as_ref("train_classifier(x, y, hidden=8, epochs=5, lr=0.1, seed=3)"))
def classifier_few_epochs(m):
    "train_classifier on the four points for 5 epochs, seed 3: weights and buffers"
    x, y = _four()
    return _trained_obs(m.train_classifier(x, y, hidden=8, epochs=5, lr=0.1, seed=3))


@probe(judge=_same_as_ref("train_classifier(..., epochs=0, seed=7)"))
def classifier_zero_epochs(m):
    "epochs=0: the freshly built model for seed 7, with its buffers set from x"
    x, y = _noisy_xor(40, seed=5)
    return _trained_obs(m.train_classifier(x, y, hidden=6, epochs=0, seed=7))


@probe(judge=_same_as_ref("train_binary(x, y, hidden=6, epochs=7, lr=0.03, seed=4)"))
def binary_few_epochs(m):
    "train_binary on 3-feature data for 7 epochs, seed 4: weights and buffers"
    g = torch.Generator().manual_seed(6)
    x = 2.0 + torch.randn(30, 3, generator=g)
    y = (x[:, 0] * x[:, 1] > 4.0).long()
    return _trained_obs(m.train_binary(x, y, hidden=6, epochs=7, lr=0.03, seed=4))


def _seed_judge(got, ref):
    for key in ("classifier", "binary"):
        a, b, c = got[key]
        if compare(a, b, rtol=0, atol=0):
            return (f"two {key} runs with seed=11 gave different weights: the seed must decide "
                    "the initial weights (torch.manual_seed(seed) first)")
        if not compare(a, c, rtol=0, atol=0):
            return f"{key} runs with seeds 11 and 12 gave identical weights"
        why = compare(a, ref[key][0], rtol=1e-4, atol=1e-6)
        if why:
            return f"{key} with seed=11 differs from the reference's: {why}"
    return None


@probe(judge=_seed_judge)
def seed_reproducible(m):
    "same seed twice -> identical models; another seed -> different ones (3 epochs each)"
    x, y = _four()
    return {"classifier": [_state(m.train_classifier(x, y, hidden=4, epochs=3, seed=s))
                           for s in (11, 11, 12)],
            "binary": [_state(m.train_binary(x, y, hidden=4, epochs=3, seed=s))
                       for s in (11, 11, 12)]}


def _accuracy_judge(what: str, threshold: float):
    def judge(got, ref):
        if got["type"] != ref["type"]:
            return f"{what}: expected a {ref['type']}, got {got['type']}"
        if got["training"]:
            return f"{what}: the model came back in training mode; return it in eval mode"
        pred = got["pred"]
        true = ref["true"]
        if not isinstance(pred, torch.Tensor) or tuple(pred.shape) != tuple(true.shape):
            shape = tuple(pred.shape) if isinstance(pred, torch.Tensor) else type(pred).__name__
            return f"{what}: predictions of shape {shape}, expected {tuple(true.shape)}"
        acc = (pred.long() == true).double().mean().item()
        if not math.isfinite(acc) or acc < threshold:
            return f"{what}: accuracy {acc:.3f}, expected at least {threshold:.2f}"
        return None
    return judge


def _predict_obs(model, x, true, binary: bool) -> dict:
    obs = {"type": type(model).__name__, "training": bool(model.training), "true": true}
    with torch.no_grad():
        out = model(x)
    obs["pred"] = (out > 0).long() if binary else out.argmax(dim=1)
    return obs


@probe(public=True, judge=_accuracy_judge("train_classifier on the four points", 1.0))
def classifier_four_points(m):
    "train_classifier(x, y, epochs=100) on [[1,2],[3,4],[5,6],[7,8]] -> [0,1,1,0]: all correct"
    x, y = _four()
    return _predict_obs(m.train_classifier(x, y, epochs=100), x, y, binary=False)


@probe(judge=_accuracy_judge("train_binary on the four points", 1.0))
def binary_four_points(m):
    "train_binary(x, y, epochs=100) on the four points: (logit > 0) all correct"
    x, y = _four()
    return _predict_obs(m.train_binary(x, y, epochs=100), x, y, binary=True)


@probe(judge=_accuracy_judge("train_classifier on noisy XOR", 0.9))
def classifier_noisy_xor(m):
    "200 noisy XOR points, 150 epochs: at least 90% accuracy on 200 held-out points"
    x, y = _noisy_xor(200, seed=1)
    xt, yt = _noisy_xor(200, seed=2)
    return _predict_obs(m.train_classifier(x, y, epochs=150, seed=1), xt, yt, binary=False)


@probe(judge=_accuracy_judge("train_binary on noisy XOR", 0.9))
def binary_noisy_xor(m):
    "train_binary on the same noisy XOR, 150 epochs: at least 90% held-out accuracy"
    x, y = _noisy_xor(200, seed=1)
    xt, yt = _noisy_xor(200, seed=2)
    return _predict_obs(m.train_binary(x, y, epochs=150, seed=1), xt, yt, binary=True)
