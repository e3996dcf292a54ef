"""Probes for digits_cnn. Structure: the state_dict keys and shapes for several configurations.
Values: weights made here, loaded strictly, then the logits, every gradient after a
cross-entropy backward and the parameters after one SGD step, compared with the reference's (8x8,
28x28, an odd 14x14 with three channels, a batch of one). Training: the real scikit-learn digits,
held-out accuracy, training mode, fresh gradients each step, the step count, reproducibility."""

import math

import torch
import torch.nn.functional as F

from torchdojo.probes import compare, probe

DEFAULT = {"in_ch": 1, "hidden": 16, "num_classes": 10, "img_size": 8}


def _spec(in_ch: int, hidden: int, num_classes: int, img_size: int) -> dict:
    """The state_dict keys and shapes the statement fixes."""
    s = img_size // 2 // 2
    return {"conv1.weight": (hidden, in_ch, 3, 3), "conv1.bias": (hidden,),
            "conv2.weight": (2 * hidden, hidden, 3, 3), "conv2.bias": (2 * hidden,),
            "fc.weight": (num_classes, 2 * hidden * s * s), "fc.bias": (num_classes,)}


def _weights(cfg: dict, seed: int) -> dict:
    """Seeded weights for the fixed layout, scaled like a sensible initialisation."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in _spec(**cfg).items():
        scale = 0.1 if len(shape) == 1 else 1 / math.sqrt(math.prod(shape[1:]))
        sd[key] = torch.randn(shape, generator=g) * scale
    return sd


def _build(m, cfg: dict, seed: int):
    model = m.DigitCNN(**cfg)
    model.load_state_dict(_weights(cfg, seed), strict=True)
    return model


def _layout_judge(got, ref):
    for name in ref:
        g, r = got[name], ref[name]
        missing = sorted(set(r) - set(g))
        extra = sorted(set(g) - set(r))
        if missing or extra:
            return (f"DigitCNN({name}): state_dict keys missing {missing[:4]}, unexpected "
                    f"{extra[:4]}; expected exactly {sorted(r)}")
        for key in r:
            if g[key] != r[key]:
                return (f"DigitCNN({name}): {key} has shape {tuple(g[key])}, expected "
                        f"{tuple(r[key])}")
    return None


@probe(public=True, judge=_layout_judge)
def state_dict_layout(m):
    "state_dict keys and shapes of DigitCNN() and DigitCNN(in_ch=3, hidden=8, num_classes=5, img_size=28)"
    out = {}
    for cfg in (DEFAULT, {"in_ch": 3, "hidden": 8, "num_classes": 5, "img_size": 28}):
        name = ", ".join(f"{k}={v}" for k, v in cfg.items())
        out[name] = {k: list(v.shape) for k, v in m.DigitCNN(**cfg).state_dict().items()}
    return out


def _observe(m, cfg: dict, batch: int, seed: int) -> dict:
    """Logits, gradients after a cross-entropy backward, parameters after one SGD step."""
    g = torch.Generator().manual_seed(seed)  # inputs independent of what the model's init drew
    s = cfg["img_size"]
    x = torch.rand(batch, cfg["in_ch"], s, s, generator=g)  # like scaled digits: in [0, 1]
    y = torch.randint(0, cfg["num_classes"], (batch,), generator=g)
    model = _build(m, cfg, seed)
    logits = model(x)
    obs = {"type": type(logits).__name__}
    if not isinstance(logits, torch.Tensor):
        return obs
    obs["logits"] = logits.detach().clone()
    F.cross_entropy(logits, y).backward()
    obs["grads"] = {n: None if p.grad is None else p.grad.clone()
                    for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


def _values_judge(got, ref):
    if got["type"] != "Tensor":
        return f"forward returned a {got['type']}, expected a tensor of logits"
    lg, rl = got["logits"], ref["logits"]
    if lg.shape != rl.shape:
        return (f"forward returned shape {tuple(lg.shape)}, expected {tuple(rl.shape)} "
                "(batch, num_classes)")
    if lg.dtype == rl.dtype and bool((lg >= 0).all()) and not compare(
            lg.sum(1), torch.ones(lg.shape[0]), atol=1e-4, rtol=0):
        return ("forward returns probabilities (each row is non-negative and sums to 1): "
                "return the logits; cross_entropy applies log-softmax itself")
    why = compare(lg, rl, rtol=1e-4, atol=1e-5)
    if why:
        return f"with the tests' weights loaded, the logits differ from the reference's: {why}"
    why = compare(got["grads"], ref["grads"], rtol=1e-4, atol=1e-5, path="grad")
    if why:
        return f"the gradients after a cross-entropy backward differ: {why}"
    why = compare(got["after_step"], ref["after_step"], rtol=1e-4, atol=1e-5, path="param")
    if why:
        return f"the parameters after one SGD step differ: {why}"
    return None


@probe(public=True, judge=_values_judge)
def digits_8x8(m):
    "DigitCNN() with the tests' weights, a batch of 5 images 1x8x8: logits, gradients, one SGD step"
    return _observe(m, DEFAULT, batch=5, seed=1)


@probe(judge=_values_judge)
def mnist_size_28x28(m):
    "DigitCNN(hidden=8, img_size=28), a batch of 3 images 1x28x28: logits, gradients, one SGD step"
    return _observe(m, {"in_ch": 1, "hidden": 8, "num_classes": 10, "img_size": 28}, 3, seed=2)


@probe(judge=_values_judge)
def odd_size_rgb(m):
    "DigitCNN(in_ch=3, hidden=4, num_classes=7, img_size=14): 14 -> 7 -> 3 after the pools"
    return _observe(m, {"in_ch": 3, "hidden": 4, "num_classes": 7, "img_size": 14}, 4, seed=3)


@probe(judge=_values_judge)
def batch_of_one(m):
    "a batch of one 1x28x28 image: logits of shape (1, 10), gradients, one SGD step"
    return _observe(m, {"in_ch": 1, "hidden": 8, "num_classes": 10, "img_size": 28}, 1, seed=4)


def _digits():
    """The scikit-learn digits scaled to [0, 1], split by a fixed permutation: 1400 / 397."""
    from torchdojo.datagen.digits import load_digits

    imgs, labels = load_digits()
    x = torch.from_numpy(imgs).unsqueeze(1) / 16  # (1797, 1, 8, 8)
    y = torch.from_numpy(labels)  # (1797,)
    perm = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(1234))
    return x[perm[:1400]], y[perm[:1400]], x[perm[1400:]], y[perm[1400:]]


class _Monitor:
    """Counts training forwards (and those run in eval mode), steps, and stale gradients."""

    def __init__(self, model) -> None:
        self.grad_forwards = self.eval_forwards = self.backwards = self.stale = 0
        self._fresh = None
        model.register_forward_pre_hook(self._pre)
        bias = model.fc.bias
        bias.register_hook(self._incoming)  # this backward's gradient, before accumulation
        bias.register_post_accumulate_grad_hook(self._accumulated)  # .grad after it

    def _pre(self, module, args) -> None:
        if torch.is_grad_enabled():
            self.grad_forwards += 1
            self.eval_forwards += not module.training

    def _incoming(self, grad):
        self._fresh = grad.detach().clone()

    def _accumulated(self, p) -> None:
        self.backwards += 1
        self.stale += not torch.equal(p.grad, self._fresh)


def _losses_info(losses) -> dict:
    ok = isinstance(losses, list) and all(type(v) is float for v in losses)
    return {"losses_type": type(losses).__name__,
            "item_types": sorted({type(v).__name__ for v in losses})
            if isinstance(losses, list | tuple) else [],
            "losses": losses if ok else None}


def _training_judge(got, ref):
    if got["losses"] is None:
        return (f"train_digits returned a {got['losses_type']} of {got['item_types']}; "
                "expected a list of Python floats, one per epoch")
    losses = got["losses"]
    if len(losses) != len(ref["losses"]):
        return f"train_digits returned {len(losses)} losses for {len(ref['losses'])} epochs"
    if not all(math.isfinite(v) for v in losses) or not losses[-1] < losses[0]:
        return f"the epoch losses {[round(v, 4) for v in losses]} should be finite and fall"
    if got["grad_forwards"] == 0:
        return "the model was never called as model(x) with gradients enabled during training"
    if got["eval_forwards"]:
        return (f"{got['eval_forwards']} of {got['grad_forwards']} training forwards ran with the "
                "model in eval mode: switch it to training mode (it was handed over in eval mode)")
    if got["stale"]:
        return (f"in {got['stale']} of {got['backwards']} steps the gradient held more than that "
                "batch's gradient: clear the gradients before every backward")
    if got["backwards"] != ref["backwards"]:
        return (f"{got['backwards']} optimizer steps in 3 epochs of 1400 samples, expected "
                f"{ref['backwards']} (batches of 64, the last one smaller)")
    preds, labels = got["preds"], got["labels"]
    if not isinstance(preds, torch.Tensor) or preds.shape != labels.shape:
        return "could not read the predictions on the held-out digits"
    acc = float((preds == labels).float().mean())
    if acc < 0.9:
        return (f"held-out accuracy {acc:.1%} after training, expected at least 90% "
                f"(reference: {float((ref['preds'] == ref['labels']).float().mean()):.1%})")
    return None


@probe(judge=_training_judge)
def trains_on_real_digits(m):
    "train_digits(model, 1400 real digits, epochs=3, lr=1e-2, seed=0) from the tests' weights: held-out accuracy >= 90%, losses, training mode, fresh gradients"
    x_tr, y_tr, x_te, y_te = _digits()
    model = _build(m, DEFAULT, seed=10)
    model.eval()  # handed over in eval mode, as after a validation pass
    mon = _Monitor(model)
    losses = m.train_digits(model, x_tr, y_tr, epochs=3, lr=1e-2, seed=0)
    model.eval()
    with torch.no_grad():
        preds = model(x_te).argmax(1)
    return {**_losses_info(losses), "preds": preds, "labels": y_te,
            "grad_forwards": mon.grad_forwards, "eval_forwards": mon.eval_forwards,
            "backwards": mon.backwards, "stale": mon.stale}


def _repro_judge(got, ref):
    a, b, c = got["runs"]
    for run in (a, b, c):
        if run["losses"] is None:
            return (f"train_digits returned a {run['losses_type']}; expected a list of Python "
                    "floats")
    if not torch.equal(a["fc"], b["fc"]) or a["losses"] != b["losses"]:
        return ("two runs from the same weights with seed=5 ended differently: the shuffling "
                "must depend on the seed only")
    if torch.equal(a["fc"], c["fc"]):
        return "seeds 5 and 6 gave identical training: the seed must decide the order"
    return None


@probe(judge=_repro_judge)
def reproducible(m):
    "one epoch on 256 digits from the same weights: seed 5 twice gives identical weights and losses, seed 6 differs"
    x_tr, y_tr, _, _ = _digits()
    runs = []
    for seed in (5, 5, 6):
        model = _build(m, DEFAULT, seed=11)
        losses = m.train_digits(model, x_tr[:256], y_tr[:256], epochs=1, lr=1e-2, seed=seed)
        runs.append({**_losses_info(losses), "fc": model.fc.weight.detach().clone()})
    return {"runs": runs}
