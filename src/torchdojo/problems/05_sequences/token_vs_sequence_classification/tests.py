"""Probes for token_vs_sequence_classification. Every value probe loads a state_dict the probe
makes (seeded, for the keys and shapes the statement fixes) strictly into the learner's model
and compares with the reference: token logits at the real positions only (padded positions are
unspecified), sequence logits, gradients. Padding is tested by behaviour (other padded tokens,
the same results); token_loss on its own (value, -100 positions, huge logits); batch 1."""

import torch
import torch.nn.functional as F

from torchdojo.probes import compare, probe

V, E, H, K, C = 17, 5, 4, 6, 3  # vocab, embedding, hidden, tags, classes
TOL = {"rtol": 1e-4, "atol": 1e-5}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _spec(v: int, e: int, h: int, k: int, c: int) -> dict[str, tuple[int, ...]]:
    spec = {"embedding.weight": (v, e)}
    for sfx in ("", "_reverse"):
        spec |= {f"lstm.weight_ih_l0{sfx}": (4 * h, e), f"lstm.weight_hh_l0{sfx}": (4 * h, h),
                 f"lstm.bias_ih_l0{sfx}": (4 * h,), f"lstm.bias_hh_l0{sfx}": (4 * h,)}
    return spec | {"tag_head.weight": (k, 2 * h), "tag_head.bias": (k,),
                   "cls_head.weight": (c, 2 * h), "cls_head.bias": (c,)}


def _loaded(m, seed: int):
    """The learner's model with seeded weights loaded strictly (a wrong layout raises)."""
    model = m.BiLSTMTaggerClassifier(V, E, H, K, C)
    g = _gen(seed)
    sd = {k: torch.randn(shape, generator=g) * 0.5 for k, shape in _spec(V, E, H, K, C).items()}
    model.load_state_dict(sd, strict=True)
    return model


def _batch(lengths: list[int], t: int, seed: int, pad: int | None = 0):
    """Right-padded tokens (B, t); pads hold ``pad``, or random ids when ``pad`` is None."""
    g = _gen(seed)
    tokens = torch.randint(1, V, (len(lengths), t), generator=g)
    fill = torch.randint(0, V, tokens.shape, generator=_gen(seed + 1)) if pad is None else (
        torch.full(tokens.shape, pad))
    real = torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]
    return torch.where(real, tokens, fill), torch.tensor(lengths)


def _mask(lengths: list[int], t: int) -> torch.Tensor:
    return torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]


# ------------------------------------------------------------------ structure

def _structure_judge(got, ref):
    missing = [k for k in ref["shapes"] if k not in got["shapes"]]
    extra = [k for k in got["shapes"] if k not in ref["shapes"]]
    if missing or extra:
        return (f"state_dict keys differ from the statement's: missing {missing[:4]}, "
                f"unexpected {extra[:4]}")
    for k, shape in ref["shapes"].items():
        if got["shapes"][k] != shape:
            return f"{k} has shape {tuple(got['shapes'][k])}, expected {tuple(shape)}"
    if got["n_params"] != ref["n_params"]:
        return f"{got['n_params']} parameter elements, expected {ref['n_params']}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "BiLSTMTaggerClassifier(17, 5, 4, 6, 3): state_dict keys and shapes, parameter count"
    model = m.BiLSTMTaggerClassifier(V, E, H, K, C)
    return {"shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "n_params": sum(p.numel() for p in model.parameters())}


# ------------------------------------------------------------------ outputs at real positions

def _real_judge(got, ref):
    """Token logits: the exact shape, then the values at real positions only."""
    for case, want in ref["token"].items():
        have = got["token"].get(case)
        if not isinstance(have, torch.Tensor):
            return f"{case}: token_logits returned {type(have).__name__}, expected a tensor"
        if have.shape != want.shape:
            return (f"{case}: token_logits has shape {tuple(have.shape)}, expected "
                    f"{tuple(want.shape)} (B, T, num_tags) with the input's T")
        mask = ref["mask"][case]
        why = compare(have[mask], want[mask], **TOL)
        if why:
            return f"{case}: token_logits at the real positions: {why}"
    for case, want in ref.get("sequence", {}).items():
        why = compare(got["sequence"].get(case), want, **TOL)
        if why:
            return f"{case}: sequence_logits: {why}"
    return None


CASES = {"lengths [3, 7, 1, 5], T 8": ([3, 7, 1, 5], 8),
         "lengths [2, 6, 6, 4, 1], T 6": ([2, 6, 6, 4, 1], 6)}


@probe(public=True, judge=_real_judge)
def token_logits_loaded(m):
    "loaded weights, lengths in mixed order, T larger than every length: token_logits at real positions"
    model = _loaded(m, seed=1)
    out = {"token": {}, "mask": {}}
    with torch.no_grad():
        for i, (case, (lengths, t)) in enumerate(CASES.items()):
            tokens, lens = _batch(lengths, t, seed=10 + i)
            out["token"][case] = model.token_logits(tokens, lens)
            out["mask"][case] = _mask(lengths, t)
    return out


@probe(public=True, judge=_real_judge)
def sequence_logits_loaded(m):
    "loaded weights, the same batches: sequence_logits (mean over the real positions)"
    model = _loaded(m, seed=2)
    out = {"token": {}, "mask": {}, "sequence": {}}
    with torch.no_grad():
        for i, (case, (lengths, t)) in enumerate(CASES.items()):
            tokens, lens = _batch(lengths, t, seed=20 + i)
            out["sequence"][case] = model.sequence_logits(tokens, lens)
    return out


def _pads_judge(got, ref):
    mask = ref["mask"]
    for key in ("token zeros", "token random"):
        if not isinstance(got[key], torch.Tensor) or got[key].shape != ref[key].shape:
            return compare(got[key], ref[key], path=key)
    if not torch.allclose(got["token zeros"][mask], got["token random"][mask], rtol=1e-5,
                          atol=1e-6):
        return ("token_logits at real positions changed when only the padded tokens changed: "
                "padding leaks into the real steps (the backward direction must start at each "
                "sequence's last real token)")
    if not isinstance(got["seq zeros"], torch.Tensor) or not isinstance(
            got["seq random"], torch.Tensor) or got["seq zeros"].shape != ref["seq zeros"].shape:
        return compare(got["seq zeros"], ref["seq zeros"], path="sequence_logits")
    if not torch.allclose(got["seq zeros"], got["seq random"], rtol=1e-5, atol=1e-6):
        return "sequence_logits changed when only the padded tokens changed"
    why = compare(got["token random"][mask], ref["token random"][mask], **TOL)
    if why:
        return f"token_logits at the real positions: {why}"
    return compare(got["seq random"], ref["seq random"], **TOL, path="sequence_logits")


@probe(judge=_pads_judge)
def padding_does_not_leak(m):
    "the same batch with padded tokens 0 and then random ids: token logits at real positions and sequence logits unchanged"
    model = _loaded(m, seed=3)
    lengths, t = [4, 9, 2, 6, 9, 1], 10
    zeros, lens = _batch(lengths, t, seed=30, pad=0)
    random, _ = _batch(lengths, t, seed=30, pad=None)
    with torch.no_grad():
        return {"token zeros": model.token_logits(zeros, lens),
                "token random": model.token_logits(random, lens),
                "seq zeros": model.sequence_logits(zeros, lens),
                "seq random": model.sequence_logits(random, lens),
                "mask": _mask(lengths, t)}


def _grads_judge(got, ref):
    for name in ref:
        if got.get(name) is None:
            return f"{name} has no gradient after backward"
        why = compare(got[name], ref[name], **TOL)
        if why:
            return f"gradient of {name}: {why}"
    return None


@probe(judge=_grads_judge)
def gradients(m):
    "loaded weights: token_loss (tags -100 at the pads) + cross-entropy of sequence_logits, backward: every parameter's gradient"
    model = _loaded(m, seed=4)
    lengths, t = [5, 2, 7, 3], 7
    tokens, lens = _batch(lengths, t, seed=40)
    tags = torch.randint(0, K, (4, t), generator=_gen(41))
    tags[~_mask(lengths, t)] = -100
    labels = torch.randint(0, C, (4,), generator=_gen(42))
    loss = m.token_loss(model.token_logits(tokens, lens), tags) + F.cross_entropy(
        model.sequence_logits(tokens, lens), labels)
    loss.backward()
    return {n: p.grad for n, p in model.named_parameters()}


# ------------------------------------------------------------------ the loss on its own

def _loss_judge(got, ref):
    for case, want in ref.items():
        have = got.get(case)
        if not isinstance(have, torch.Tensor):
            return f"{case}: token_loss must return a 0-d tensor, got {type(have).__name__}"
        if have.dim() != 0:
            return f"{case}: token_loss must return a 0-d tensor, got shape {tuple(have.shape)}"
        if not bool(torch.isfinite(have)):
            return f"{case}: the loss is {have.item()}, expected the finite {want.item():.4f}"
        why = compare(have, want, rtol=1e-5, atol=1e-5)
        if why:
            return f"{case}: {why}"
    return None


@probe(public=True, judge=_loss_judge)
def token_loss_values(m):
    "token_loss on seeded (4, 6, 5) logits with tags -100 at 9 positions; the same with other logits there"
    g = _gen(50)
    logits = torch.randn(4, 6, 5, generator=g) * 2
    tags = torch.randint(0, 5, (4, 6), generator=g)
    skip = torch.rand(4, 6, generator=g) < 0.4
    tags[skip] = -100
    other = logits.clone()
    other[skip] = torch.randn(int(skip.sum()), 5, generator=g) * 50
    return {"tags with -100": m.token_loss(logits, tags),
            "other logits at -100 positions": m.token_loss(other, tags),
            "no -100": m.token_loss(logits, tags.clamp(min=0))}


@probe(judge=_loss_judge)
def token_loss_huge_logits(m):
    "token_loss on logits of size +-10000 and (2, 3, 7) logits with a different number of tags"
    g = _gen(51)
    huge = torch.randn(3, 4, 6, generator=g) * 1e4
    tags = torch.randint(0, 6, (3, 4), generator=g)
    tags[0, 2:] = -100
    small = torch.randn(2, 3, 7, generator=g)
    tags7 = torch.tensor([[6, 0, -100], [3, -100, -100]])
    return {"logits +-1e4": m.token_loss(huge, tags), "7 tags": m.token_loss(small, tags7)}


# ------------------------------------------------------------------ batch 1

@probe(judge=_real_judge)
def batch_of_one(m):
    "batch 1: a full-length sequence (T 5) and a padded one (length 3, T 6): shapes and values of both outputs"
    model = _loaded(m, seed=6)
    out = {"token": {}, "mask": {}, "sequence": {}}
    with torch.no_grad():
        for i, (case, lengths, t) in enumerate((("full length", [5], 5),
                                                ("padded", [3], 6))):
            tokens, lens = _batch(lengths, t, seed=60 + i)
            out["token"][case] = model.token_logits(tokens, lens)
            out["mask"][case] = _mask(lengths, t)
            out["sequence"][case] = model.sequence_logits(tokens, lens)
    return out
