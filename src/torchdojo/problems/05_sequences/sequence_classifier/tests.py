"""Probes for sequence_classifier. Structure: state_dict keys and shapes. Values, with weights made
here and loaded strictly: logits, gradients, one SGD step; lengths 1, 2, 7, 40, a batch of one,
a non-contiguous input, eval mode. Training on seeded sine / square / sawtooth waves: the first
losses equal the reference's, fresh gradients every step, held-out accuracy at the training length
and at twice that length."""

import math

import torch
import torch.nn.functional as F

from torchdojo.probes import compare, probe


def _gen(seed: int) -> torch.Generator:
    """The probe's own generator: what the learner's init draws changes no input."""
    return torch.Generator().manual_seed(seed)


def _spec(f: int, h: int, c: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    return {"conv1.weight": (h, f, 5), "conv1.bias": (h,), "conv2.weight": (h, h, 5),
            "conv2.bias": (h,), "fc.weight": (c, h), "fc.bias": (c,)}


def _loaded(m, f: int, h: int, c: int, seed: int):
    """The learner's model with seeded weights (scaled like the default init), loaded strictly."""
    g = _gen(seed)
    sd = {}
    for k, shape in _spec(f, h, c).items():
        fan_in = {"conv1": f * 5, "conv2": h * 5, "fc": h}[k.split(".")[0]]
        sd[k] = (torch.rand(shape, generator=g) * 2 - 1) * 1.5 / math.sqrt(fan_in)
    model = m.SeriesClassifier(f, h, c)
    model.load_state_dict(sd, strict=True)
    return model


def _structure_judge(got, ref):
    for case, r in ref.items():
        g = got[case]
        missing, extra = sorted(set(r) - set(g)), sorted(set(g) - set(r))
        if missing or extra:
            return (f"{case}: state_dict keys missing {missing}, unexpected {extra}; expected "
                    f"exactly {sorted(r)}")
        for k in r:
            if g[k] != r[k]:
                return f"{case}: {k} has shape {tuple(g[k])}, expected {tuple(r[k])}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "state_dict keys and shapes of SeriesClassifier(1, 8, 3) and SeriesClassifier(3, 4, 5)"
    return {f"SeriesClassifier{args}": {k: list(v.shape) for k, v in
                                        m.SeriesClassifier(*args).state_dict().items()}
            for args in ((1, 8, 3), (3, 4, 5))}


def _logits_issue(g, r, case: str) -> str | None:
    if not isinstance(g, torch.Tensor):
        return f"{case}: forward returned a {type(g).__name__}, expected a tensor of logits"
    if tuple(g.shape) != tuple(r.shape):
        return (f"{case}: forward returned shape {tuple(g.shape)}, expected {tuple(r.shape)} "
                "(batch, num_classes)")
    if g.dtype == r.dtype and bool((g >= 0).all()) and not compare(
            g.sum(1), torch.ones(g.shape[0]), atol=1e-4, rtol=0):
        return (f"{case}: forward returns probabilities (rows are non-negative and sum to 1); "
                "return the logits")
    why = compare(g, r, rtol=1e-4, atol=1e-5)
    return f"{case}: with the tests' weights loaded, the logits differ: {why}" if why else None


def _values_judge(got, ref):
    for case, r in ref.items():
        g = got[case]
        why = _logits_issue(g["logits"], r["logits"], case)
        if why:
            return why
        if "grads" in r:
            why = compare(g.get("grads"), r["grads"], rtol=1e-4, atol=1e-6, path="grad")
            if why:
                return f"{case}: the gradients after a cross-entropy backward differ: {why}"
            why = compare(g.get("after_step"), r["after_step"], rtol=1e-5, atol=1e-6,
                          path="param")
            if why:
                return f"{case}: the parameters after one SGD step differ: {why}"
    return None


def _observe(m, f: int, h: int, c: int, b: int, t: int, seed: int) -> dict:
    model = _loaded(m, f, h, c, seed)
    g = _gen(100 + seed)
    x = torch.randn(b, t, f, generator=g)
    y = torch.randint(0, c, (b,), generator=g)
    logits = model(x)
    obs = {"logits": logits.detach().clone() if isinstance(logits, torch.Tensor) else logits}
    if not isinstance(logits, torch.Tensor) or tuple(logits.shape) != (b, c):
        return obs
    F.cross_entropy(logits, y).backward()
    obs["grads"] = {n: None if p.grad is None else p.grad.clone()
                    for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


@probe(public=True, judge=_values_judge)
def loaded_values(m):
    "SeriesClassifier(3, 6, 4) with the tests' weights, a (5, 11, 3) batch: logits, gradients, one SGD step"
    return {"B=5, T=11, F=3": _observe(m, 3, 6, 4, b=5, t=11, seed=1)}


@probe(judge=_values_judge)
def any_length(m):
    "the same weights on lengths T = 1, 2, 7 and 40, and a batch of one: logits of shape (B, C)"
    model = _loaded(m, 2, 5, 3, seed=2)
    g = _gen(102)
    out = {}
    for b, t in ((3, 1), (4, 2), (2, 7), (6, 40), (1, 9)):
        with torch.no_grad():
            out[f"B={b}, T={t}"] = {"logits": model(torch.randn(b, t, 2, generator=g))}
    return out


@probe(judge=_values_judge)
def batch_one_gradients(m):
    "a batch of one series of length 1: logits, gradients, one SGD step"
    return {"B=1, T=1, F=2": _observe(m, 2, 4, 3, b=1, t=1, seed=3)}


@probe(judge=_values_judge)
def non_contiguous_input(m):
    "an input that is a transposed view of a (B, F, T) tensor (non-contiguous, shape (B, T, F))"
    model = _loaded(m, 3, 5, 2, seed=4)
    base = torch.randn(4, 3, 13, generator=_gen(104))  # (B, F, T) in memory
    with torch.no_grad():
        return {"(4, 13, 3) non-contiguous": {"logits": model(base.transpose(1, 2))}}


def _eval_judge(got, ref):
    why = _values_judge({"eval": {"logits": got["first"]}}, {"eval": {"logits": ref["first"]}})
    if why:
        return why
    if not torch.equal(got["first"], got["second"]):
        return "two calls in eval mode on the same input gave different logits"
    if compare(got["first"], got["train"], rtol=1e-5, atol=1e-6):
        return "train mode and eval mode give different logits; the model has no dropout or norm"
    return None


@probe(judge=_eval_judge)
def eval_mode(m):
    "in eval mode: the same logits on two calls, equal to train mode's and to the reference's"
    model = _loaded(m, 1, 6, 3, seed=5)
    x = torch.randn(3, 20, 1, generator=_gen(105))
    with torch.no_grad():
        train = model(x)
        model.eval()
        return {"train": train, "first": model(x), "second": model(x)}


# --------------------------------------------------------------------------------- training

def _waves(n: int, t: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy series of length t: class 0 sine, 1 square, 2 sawtooth (balanced), one feature."""
    y = torch.arange(n) % 3
    period = torch.empty(n, 1).uniform_(8.0, 24.0, generator=g)
    phase = torch.rand(n, 1, generator=g)
    amp = torch.empty(n, 1).uniform_(0.7, 1.3, generator=g)
    u = (torch.arange(t, dtype=torch.float32) / period + phase) % 1.0  # (n, t), cycles
    shapes = torch.stack([torch.sin(2 * math.pi * u), torch.where(u < 0.5, 1.0, -1.0),
                          2 * u - 1])  # (3, n, t)
    x = amp * shapes[y, torch.arange(n)] + 0.2 * torch.randn(n, t, generator=g)
    return x.unsqueeze(-1), y  # (n, t, 1), (n,)


class _Monitor:
    """Counts backward passes and those whose .grad held more than that pass's gradient."""

    def __init__(self, model) -> None:
        self.backwards = self.stale = 0
        self._fresh = None
        bias = model.fc.bias
        bias.register_hook(self._incoming)
        bias.register_post_accumulate_grad_hook(self._accumulated)

    def _incoming(self, grad):
        self._fresh = grad.detach().clone()

    def _accumulated(self, p) -> None:
        self.backwards += 1
        self.stale += not torch.equal(p.grad, self._fresh)


def _train_judge(got, ref):
    losses = got["losses"]
    if not isinstance(losses, list) or not all(type(v) is float for v in losses):
        return (f"train_classifier returned a {got['losses_type']}; expected a list of Python "
                "floats, one per step")
    if len(losses) != len(ref["losses"]):
        return f"train_classifier returned {len(losses)} losses for {len(ref['losses'])} steps"
    if not all(math.isfinite(v) for v in losses):
        return "the training loss became NaN or infinite"
    if got["stale"]:
        return (f"in {got['stale']} of {got['backwards']} steps the gradient held more than that "
                "step's gradient: clear the gradients before every backward")
    if got["backwards"] != ref["backwards"]:
        return f"{got['backwards']} backward passes for {len(ref['losses'])} steps"
    why = compare(torch.tensor(losses[:3]), torch.tensor(ref["losses"][:3]), rtol=1e-3,
                  atol=1e-6)
    if why:
        return (f"the first losses {[round(v, 4) for v in losses[:3]]} differ from the "
                f"reference's {[round(v, 4) for v in ref['losses'][:3]]}: full-batch Adam on the "
                "mean cross-entropy of the logits, each loss before its update")
    for key, what in (("pred48", "length 48"), ("pred96", "length 96 (never seen in training)")):
        pred, labels = got[key], ref["labels" + key[4:]]
        if not isinstance(pred, torch.Tensor) or pred.shape != labels.shape:
            return f"could not read the predictions on held-out series of {what}"
        acc = float((pred == labels).float().mean())
        ref_acc = float((ref[key] == labels).float().mean())
        if acc < 0.9:
            return (f"held-out accuracy on series of {what} is {acc:.1%}, expected at least 90% "
                    f"(the reference reaches {ref_acc:.1%})")
    return None


@probe(judge=_train_judge)
def trains_on_waves(m):
    "train_classifier(SeriesClassifier(1, 8, 3) with the tests' weights, 240 waves of length 48, 60 steps, lr=0.04): held-out accuracy >= 90% at lengths 48 and 96"
    g = _gen(7)
    x, y = _waves(240, 48, g)
    x48, y48 = _waves(240, 48, g)
    x96, y96 = _waves(240, 96, g)
    model = _loaded(m, 1, 8, 3, seed=8)
    mon = _Monitor(model)
    losses = m.train_classifier(model, x, y, 60, 0.04)
    model.eval()
    with torch.no_grad():
        p48, p96 = model(x48).argmax(1), model(x96).argmax(1)
    return {"losses_type": type(losses).__name__,
            "losses": losses if isinstance(losses, list) else None,
            "backwards": mon.backwards, "stale": mon.stale,
            "pred48": p48, "pred96": p96, "labels48": y48, "labels96": y96}
