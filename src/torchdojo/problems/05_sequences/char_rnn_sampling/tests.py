"""Probes for char_rnn_sampling. CharRNN: state_dict keys and shapes; with weights made here and
loaded strictly, the logits at every position and the hidden state (with and without an initial
state), gradients and one SGD step. sample(): with loaded weights, the ids drawn for several
temperatures and seeds equal the reference's; temperature 0 is greedy and leaves the generator
untouched; eval mode and no graph while sampling, the mode restored; the prompt fed once and one
id per step; start_ids not modified; a list of Python ints of the asked length; bad arguments.
Training: after a few steps on "abcabd" repeated, greedy sampling continues the pattern."""

import math

import torch
import torch.nn.functional as F

from torchdojo.probes import compare, probe, raised


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _spec(v: int, e: int, h: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    return {"embedding.weight": (v, e), "rnn.weight_ih_l0": (3 * h, e),
            "rnn.weight_hh_l0": (3 * h, h), "rnn.bias_ih_l0": (3 * h,),
            "rnn.bias_hh_l0": (3 * h,), "head.weight": (v, h), "head.bias": (v,)}


def _loaded(m, v: int, e: int, h: int, seed: int, scale: float = 2.0):
    """The learner's CharRNN with seeded weights, loaded strictly (a wrong structure raises)."""
    g = _gen(seed)
    sd = {}
    for k, shape in _spec(v, e, h).items():
        s = 1.0 if k.startswith("embedding") else scale / math.sqrt(h)
        sd[k] = (torch.rand(shape, generator=g) * 2 - 1) * s
    model = m.CharRNN(v, e, h)
    model.load_state_dict(sd, strict=True)
    return model


# -------------------------------------------------------------------------------- the model

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
    "state_dict keys and shapes of CharRNN(10, 4, 8) and CharRNN(27, 16, 32)"
    return {f"CharRNN{args}": {k: list(v.shape) for k, v in m.CharRNN(*args).state_dict().items()}
            for args in ((10, 4, 8), (27, 16, 32))}


def _forward_judge(got, ref):
    if got["type"] != "tuple":
        return f"forward must return a tuple (logits, h), got {got['type']}"
    for key, what in (("logits", "logits"), ("h", "the hidden state h"),
                      ("logits_h0", "logits with an initial state"),
                      ("h_h0", "h with an initial state")):
        g, r = got[key], ref[key]
        if not isinstance(g, torch.Tensor):
            return f"{what}: expected a tensor, got {type(g).__name__}"
        if tuple(g.shape) != tuple(r.shape):
            hint = " (one row of logits per position: (B, T, V))" if key == "logits" else ""
            return f"{what} has shape {tuple(g.shape)}, expected {tuple(r.shape)}{hint}"
        why = compare(g, r, rtol=1e-5, atol=1e-6)
        if why:
            return f"with the tests' weights loaded, {what} differ: {why}"
    why = compare(got["grads"], ref["grads"], rtol=1e-4, atol=1e-6, path="grad")
    if why:
        return f"the gradients after a next-id cross-entropy backward differ: {why}"
    why = compare(got["after_step"], ref["after_step"], rtol=1e-5, atol=1e-6, path="param")
    return f"the parameters after one SGD step differ: {why}" if why else None


@probe(public=True, judge=_forward_judge)
def forward_values(m):
    "CharRNN(7, 5, 6) with the tests' weights on a (3, 6) batch: logits (3, 6, 7), h (1, 3, 6), with and without h0; gradients; one SGD step"
    g = _gen(101)
    model = _loaded(m, 7, 5, 6, seed=1)
    x = torch.randint(0, 7, (3, 6), generator=g)
    h0 = torch.randn(1, 3, 6, generator=g)
    target = torch.randint(0, 7, (3, 6), generator=g)
    out = model(x)
    if not isinstance(out, tuple) or len(out) != 2:
        return {"type": type(out).__name__}
    logits, h = out
    logits_h0, h_h0 = model(x, h0)
    obs = {"type": "tuple", "logits": logits.detach().clone(), "h": h.detach().clone(),
           "logits_h0": logits_h0.detach().clone(), "h_h0": h_h0.detach().clone(),
           "grads": None, "after_step": None}
    if logits.shape != (3, 6, 7):
        return obs
    F.cross_entropy(logits.reshape(-1, 7), target.reshape(-1)).backward()
    obs["grads"] = {n: None if p.grad is None else p.grad.clone()
                    for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


# ---------------------------------------------------------------------------------- sample

def _ids_issue(got, ref, what: str) -> str | None:
    if not isinstance(got, list):
        return f"{what}: sample must return a list, got {type(got).__name__}"
    bad = [type(v).__name__ for v in got if type(v) is not int]
    if bad:
        return f"{what}: the list must hold Python ints, found {bad[0]}"
    if len(got) != len(ref):
        return f"{what}: {len(got)} ids returned, expected {len(ref)} (length new ids, no prompt)"
    if got != ref:
        i = next(i for i, (a, b) in enumerate(zip(got, ref, strict=True)) if a != b)
        return (f"{what}: the ids differ from the reference's from position {i} on "
                f"(got {got[:12]}, expected {ref[:12]})")
    return None


def _samples_judge(got, ref):
    for case, r in ref["runs"].items():
        why = _ids_issue(got["runs"][case], r, case)
        if why:
            if case.startswith("temperature") and got["runs"][case] == ref["greedy"]:
                why += "; these are the greedy ids: temperature > 0 must draw from the softmax"
            return why
    return None


@probe(public=True, judge=_samples_judge)
def samples_match(m):
    "CharRNN(11, 6, 12) with the tests' weights, prompt [3, 1, 4]: 20 ids at temperatures 0.7, 1.0 and 1.6, generator seeds 0, 1 and 2"
    model = _loaded(m, 11, 6, 12, seed=2)
    runs = {}
    for temp, seed in ((0.7, 0), (1.0, 1), (1.6, 2), (1.0, 2)):
        runs[f"temperature {temp}, seed {seed}"] = m.sample(model, [3, 1, 4], 20, temp,
                                                            _gen(seed))
    return {"runs": runs, "greedy": m.sample(model, [3, 1, 4], 20, 0.0, _gen(0))}


@probe(judge=_samples_judge)
def samples_long_prompt(m):
    "a prompt of 9 ids and a one-id prompt, 15 ids each at temperature 0.5 and 2.5"
    model = _loaded(m, 8, 5, 10, seed=3)
    prompt = [int(v) for v in torch.randint(0, 8, (9,), generator=_gen(103))]
    runs = {"temperature 0.5, 9-id prompt": m.sample(model, prompt, 15, 0.5, _gen(5)),
            "temperature 2.5, 9-id prompt": m.sample(model, prompt, 15, 2.5, _gen(6)),
            "temperature 1.3, prompt [0]": m.sample(model, [0], 15, 1.3, _gen(7))}
    return {"runs": runs, "greedy": m.sample(model, prompt, 15, 0.0, _gen(5))}


def _greedy_judge(got, ref):
    why = _ids_issue(got["ids"], ref["ids"], "temperature 0")
    if why:
        return why + " — temperature 0 means the argmax at every step"
    if got["generator_changed"]:
        return "temperature 0 drew from the generator; the greedy path uses no randomness"
    return None


@probe(judge=_greedy_judge)
def greedy_at_zero(m):
    "temperature 0: the argmax id at every step, and the generator is left untouched"
    model = _loaded(m, 11, 6, 12, seed=4)
    g = _gen(9)
    before = g.get_state()
    ids = m.sample(model, [5, 2], 25, 0.0, g)
    return {"ids": ids, "generator_changed": not torch.equal(before, g.get_state())}


class _Watch:
    """Records every call of the model: train/eval mode, grad mode and the ids it was fed."""

    def __init__(self, model) -> None:
        self.calls: list[dict] = []
        model.register_forward_pre_hook(self._pre, with_kwargs=True)

    def _pre(self, module, args, kwargs) -> None:
        x = args[0] if args else kwargs.get("x")
        self.calls.append({"training": module.training, "grad": torch.is_grad_enabled(),
                           "tokens": int(x.shape[-1]) if isinstance(x, torch.Tensor) else -1})


def _contract_judge(got, ref):
    if got["calls"] == 0:
        return "sample never called the model as model(ids, h)"
    if got["train_calls"]:
        return (f"{got['train_calls']} of {got['calls']} model calls ran in training mode: "
                "sample in eval mode")
    if got["grad_calls"]:
        return (f"{got['grad_calls']} of {got['calls']} model calls recorded a graph: sample "
                "inside torch.no_grad() (or inference_mode)")
    if got["training_after"] is not True:
        return "after sample the model is no longer in training mode: restore the caller's mode"
    if got["training_after_eval"] is not False:
        return "a model handed over in eval mode came back in training mode"
    if got["grad_after"] is not True:
        return "grad mode is still off after sample returned"
    if got["start_after"] != ref["start_after"]:
        return f"sample modified start_ids: {ref['start_after']} became {got['start_after']}"
    if got["tokens"] > ref["max_tokens"]:
        return (f"the model was fed {got['tokens']} ids in total for a prompt of 4 and 30 new "
                f"ids; at most {ref['max_tokens']}: feed the prompt once, then only the new id "
                "with the carried hidden state (do not re-run the whole sequence)")
    for key, what in (("ids", "temperature 0.9"), ("one", "length 1")):
        why = _ids_issue(got[key], ref[key], what)
        if why:
            return why
    if got["zero"] != []:
        return f"length 0 must give [], got {got['zero']!r}"
    return None


@probe(judge=_contract_judge)
def sampling_contract(m):
    "eval mode and no graph during sampling, modes restored, prompt fed once, start_ids unchanged, lengths 30, 1 and 0"
    model = _loaded(m, 9, 4, 8, seed=5)
    watch = _Watch(model)
    start = [1, 7, 7, 2]
    model.train()
    try:
        ids = m.sample(model, start, 30, 0.9, _gen(11))
    finally:
        grad_after = torch.is_grad_enabled()
        torch.set_grad_enabled(True)
    calls = list(watch.calls)
    training_after = model.training
    model.eval()
    one = m.sample(model, [4], 1, 1.0, _gen(12))
    training_after_eval = model.training
    zero = m.sample(model, [4, 4], 0, 1.0, _gen(13))
    return {"ids": ids, "one": one, "zero": zero, "start_after": start,
            "calls": len(calls), "train_calls": sum(c["training"] for c in calls),
            "grad_calls": sum(c["grad"] for c in calls), "grad_after": grad_after,
            "tokens": sum(c["tokens"] for c in calls), "max_tokens": len(start) + 30,
            "training_after": training_after, "training_after_eval": training_after_eval}


@probe
def bad_arguments(m):
    "ValueError for a negative temperature and for an empty start_ids"
    model = _loaded(m, 5, 3, 4, seed=6)
    return {"temperature -1": raised(lambda: m.sample(model, [1], 5, -1.0, _gen(0))),
            "empty start_ids": raised(lambda: m.sample(model, [], 5, 1.0, _gen(0)))}


# --------------------------------------------------------------------------------- training

PATTERN = [0, 1, 2, 0, 1, 3]  # "abcabd": after "ab" comes "c" or "d", depending on before


def _pattern_judge(got, ref):
    if not got["finite"]:
        return "the training loss became NaN or infinite"
    expected = ref["expected"]
    why = _ids_issue(got["ids"], expected, "greedy continuation of [0, 1, 2, 0]")
    if why:
        return (why + f" — after training on 'abcabd' repeated (final loss {got['loss']:.3f}) "
                "the continuation should follow the pattern")
    return None


@probe(judge=_pattern_judge)
def learns_pattern(m):
    "CharRNN(6, 8, 16) from the tests' weights, 30 Adam steps on 'abcabd' x 8: greedy sampling from 'abca' continues the pattern"
    seq = torch.tensor((PATTERN * 8)[:48])
    x, y = seq[None, :-1], seq[None, 1:]  # predict the next id at every position
    model = _loaded(m, 6, 8, 16, seed=7, scale=1.0)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss = torch.tensor(float("nan"))
    for _ in range(30):
        opt.zero_grad()
        logits, _ = model(x)
        loss = F.cross_entropy(logits.reshape(-1, 6), y.reshape(-1))
        loss.backward()
        opt.step()
    ids = m.sample(model, [0, 1, 2, 0], 14, 0.0, _gen(0))
    expected = (PATTERN * 4)[4:18]
    return {"ids": ids, "expected": expected, "loss": float(loss.item()),
            "finite": bool(torch.isfinite(loss).item())}
