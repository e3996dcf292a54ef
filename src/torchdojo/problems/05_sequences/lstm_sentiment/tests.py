"""Probes for lstm_sentiment. Structure: state_dict keys and shapes, the embedding's padding_idx
and its zero row (pad_idx 0 and 3). Values, with weights made here (a non-zero pad row included)
and loaded strictly: logits, gradients, one SGD step on a right-padded batch with unsorted
lengths. Padding: appending pads and running each sentence alone change no logit; another
pad_idx; the batch order; a batch of one and a one-token sentence. Training: a generated corpus
with negation ("not good" is negative), held-out accuracy that no bag of words reaches."""

import math

import torch
from torch import nn

from torchdojo.probes import compare, probe

RTOL, ATOL = 1e-5, 1e-6


def _gen(seed: int) -> torch.Generator:
    """The probe's own generator: the learner's init drawing from the global one changes nothing."""
    return torch.Generator().manual_seed(seed)


def _spec(v: int, e: int, h: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    return {"embedding.weight": (v, e), "lstm.weight_ih_l0": (4 * h, e),
            "lstm.weight_hh_l0": (4 * h, h), "lstm.bias_ih_l0": (4 * h,),
            "lstm.bias_hh_l0": (4 * h,), "fc.weight": (1, h), "fc.bias": (1,)}


def _loaded(m, v: int, e: int, h: int, seed: int, pad_idx: int = 0):
    """The learner's model with seeded weights loaded strictly. The pad row is NOT zero, so a
    model that lets padding into its result cannot hide behind padding_idx's zero init."""
    g = _gen(seed)
    sd = {}
    for k, shape in _spec(v, e, h).items():
        scale = 1.0 if k.startswith("embedding") else 1 / math.sqrt(h)
        sd[k] = (torch.rand(shape, generator=g) * 2 - 1) * scale * 1.5
    model = m.SentimentLSTM(v, e, h, pad_idx=pad_idx)
    model.load_state_dict(sd, strict=True)
    return model


def _batch(lengths: list[int], vocab: int, g: torch.Generator, pad_idx: int = 0,
           extra_pads: int = 0) -> torch.Tensor:
    """Right-padded token ids: row i has lengths[i] real tokens (never pad_idx), then pads."""
    t = max(lengths) + extra_pads
    x = torch.full((len(lengths), t), pad_idx, dtype=torch.long)
    for i, n in enumerate(lengths):
        ids = torch.randint(0, vocab - 1, (n,), generator=g)
        x[i, :n] = ids + (ids >= pad_idx).long()  # skip pad_idx
    return x


# -------------------------------------------------------------------------------- structure

def _structure_judge(got, ref):
    for case, r in ref.items():
        g = got[case]
        missing = sorted(set(r["shapes"]) - set(g["shapes"]))
        extra = sorted(set(g["shapes"]) - set(r["shapes"]))
        if missing or extra:
            return (f"{case}: state_dict keys missing {missing}, unexpected {extra}; expected "
                    f"exactly {sorted(r['shapes'])}")
        for k, shape in r["shapes"].items():
            if g["shapes"][k] != shape:
                return f"{case}: {k} has shape {tuple(g['shapes'][k])}, expected {tuple(shape)}"
        if g["padding_idx"] != r["padding_idx"]:
            return (f"{case}: embedding.padding_idx is {g['padding_idx']}, expected "
                    f"{r['padding_idx']}: create the embedding with padding_idx=pad_idx")
        if g["pad_row_zero"] != r["pad_row_zero"]:
            return f"{case}: the embedding row of the pad token is not zero after __init__"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "SentimentLSTM(20, 8, 6) and SentimentLSTM(12, 4, 5, pad_idx=3): state_dict, padding_idx, zero pad row"
    out = {}
    for args, pad in (((20, 8, 6), 0), ((12, 4, 5), 3)):
        model = m.SentimentLSTM(*args, pad_idx=pad)
        emb = getattr(model, "embedding", None)
        out[f"SentimentLSTM{args}, pad_idx={pad}"] = {
            "shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "padding_idx": getattr(emb, "padding_idx", None),
            "pad_row_zero": bool((model.state_dict()["embedding.weight"][pad] == 0).all())
            if "embedding.weight" in model.state_dict() else None,
        }
    return out


# ----------------------------------------------------------------------------------- values

def _logits_issue(g, r, what: str) -> str | None:
    if not isinstance(g, torch.Tensor):
        return f"{what}: forward returned a {type(g).__name__}, expected a tensor of logits"
    if tuple(g.shape) != tuple(r.shape):
        return (f"{what}: forward returned shape {tuple(g.shape)}, expected {tuple(r.shape)}: one "
                "logit per sentence, shape (B,) (also for B = 1)")
    if g.dtype == r.dtype and not compare(g, torch.sigmoid(r), rtol=1e-4, atol=1e-5):
        return (f"{what}: forward returns the sigmoid of the expected logits (probabilities); "
                "return the logits: BCEWithLogitsLoss applies the sigmoid itself")
    why = compare(g, r, rtol=RTOL, atol=ATOL)
    return f"{what}: the logits differ from the reference's: {why}" if why else None


def _values_judge(got, ref):
    why = _logits_issue(got["logits"], ref["logits"], "with the tests' weights loaded")
    if why:
        return why
    why = compare(got["grads"], ref["grads"], rtol=1e-4, atol=1e-6, path="grad")
    if why:
        return f"the gradients after a BCEWithLogitsLoss backward differ: {why}"
    why = compare(got["after_step"], ref["after_step"], rtol=1e-5, atol=1e-6, path="param")
    return f"the parameters after one SGD step differ: {why}" if why else None


@probe(public=True, judge=_values_judge)
def loaded_values(m):
    "the tests' weights, 5 right-padded sentences of lengths [3, 7, 1, 5, 7]: logits, gradients, one SGD step"
    g = _gen(1)
    model = _loaded(m, 20, 8, 6, seed=1)
    x = _batch([3, 7, 1, 5, 7], 20, g)
    y = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
    logits = model(x)
    obs = {"logits": logits.detach().clone() if isinstance(logits, torch.Tensor) else logits}
    if not isinstance(logits, torch.Tensor) or logits.shape != y.shape:
        return {**obs, "grads": None, "after_step": None}
    nn.BCEWithLogitsLoss()(logits, y).backward()
    obs["grads"] = {n: None if p.grad is None else p.grad.clone()
                    for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


def _padding_judge(got, ref):
    r = ref["plain"]
    why = _logits_issue(got["plain"], r, "the padded batch")
    if why:
        return why
    why = _logits_issue(got["more_pads"], r, "the same batch with 4 more pad columns")
    if why:
        return why + " — appending padding must not change any logit"
    for i, (a, n) in enumerate(zip(got["alone"], ref["lengths"], strict=True)):
        why = _logits_issue(a, r[i:i + 1], f"sentence {i} (length {n}) alone, without padding")
        if why:
            return why + "; in the padded batch it must get the same logit as alone"
    return None


@probe(judge=_padding_judge)
def padding_invariance(m):
    "appending pad columns, and running each sentence alone without pads, leave every logit unchanged"
    lengths = [4, 7, 1, 6, 3]
    model = _loaded(m, 20, 8, 6, seed=2)
    x = _batch(lengths, 20, _gen(2))
    more = torch.cat([x, torch.zeros(len(lengths), 4, dtype=torch.long)], dim=1)
    with torch.no_grad():
        return {"plain": model(x), "more_pads": model(more), "lengths": lengths,
                "alone": [model(x[i:i + 1, :n]) for i, n in enumerate(lengths)]}


def _simple_judge(got, ref):
    for case, r in ref.items():
        why = _logits_issue(got[case], r, case)
        if why:
            return why
    return None


@probe(judge=_simple_judge)
def other_pad_idx(m):
    "pad_idx=3: sentences padded with 3, where token 0 is an ordinary word"
    g = _gen(3)
    model = _loaded(m, 12, 4, 5, seed=3, pad_idx=3)
    x = _batch([2, 6, 4, 1], 12, g, pad_idx=3, extra_pads=2)
    x[:, 0] = 0  # every sentence starts with the real token 0
    with torch.no_grad():
        return {"pad_idx=3, lengths [2, 6, 4, 1]": model(x)}


@probe(judge=_simple_judge)
def batch_order(m):
    "the same sentences in another order get the same logits, reordered (lengths in any order)"
    g = _gen(4)
    model = _loaded(m, 20, 8, 6, seed=4)
    x = _batch([2, 5, 8, 3, 8, 1], 20, g)
    perm = torch.tensor([3, 0, 5, 2, 1, 4])
    with torch.no_grad():
        return {"lengths [2, 5, 8, 3, 8, 1]": model(x),
                "the same batch reordered": model(x[perm])}


@probe(judge=_simple_judge)
def batch_of_one(m):
    "a batch of one sentence (shape (1,) out), and a batch of one-token sentences"
    model = _loaded(m, 20, 8, 6, seed=5)
    g = _gen(5)
    with torch.no_grad():
        return {"B=1, length 6": model(_batch([6], 20, g)),
                "B=3, length 1 each": model(_batch([1, 1, 1], 20, g)),
                "B=1, one token": model(_batch([1], 20, g))}


# --------------------------------------------------------------------------------- training

NEGATORS, POSITIVE, NEGATIVE, NEUTRAL = [1, 2], list(range(3, 9)), list(range(9, 15)), list(
    range(15, 25))
VOCAB = 25


def _corpus(n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """n right-padded sentences: 0-6 neutral words and one sentiment word, preceded by a negator
    half of the time; label 1 when positive and not negated or negative and negated."""
    def pick(words: list[int]) -> int:
        return words[int(torch.randint(0, len(words), (1,), generator=g))]

    sents, labels = [], []
    for _ in range(n):
        filler = [pick(NEUTRAL) for _ in range(int(torch.randint(0, 7, (1,), generator=g)))]
        positive = bool(torch.rand(1, generator=g) < 0.5)
        negated = bool(torch.rand(1, generator=g) < 0.5)
        phrase = ([pick(NEGATORS)] if negated else []) + [pick(POSITIVE if positive else NEGATIVE)]
        at = int(torch.randint(0, len(filler) + 1, (1,), generator=g))
        sents.append(filler[:at] + phrase + filler[at:])
        labels.append(float(positive != negated))
    x = torch.zeros(n, max(map(len, sents)), dtype=torch.long)
    for i, s in enumerate(sents):
        x[i, :len(s)] = torch.tensor(s)
    return x, torch.tensor(labels)


def _train_judge(got, ref):
    if not got["finite"]:
        return "the training loss became NaN or infinite"
    logits, labels = got["test_logits"], ref["labels"]
    if not isinstance(logits, torch.Tensor) or logits.shape != labels.shape:
        return f"could not read the logits of the {len(labels)} held-out sentences"
    acc = float(((logits > 0).float() == labels).float().mean())
    ref_acc = float(((ref["test_logits"] > 0).float() == labels).float().mean())
    if acc < 0.9:
        return (f"after 30 Adam steps the held-out accuracy is {acc:.1%}, below 90% (the reference "
                f"reaches {ref_acc:.1%}); final training loss {got['loss']:.3f}")
    return None


@probe(judge=_train_judge)
def learns_negation(m):
    "SentimentLSTM(25, 16, 16) from the tests' weights, 30 full-batch Adam steps with BCEWithLogitsLoss on 512 sentences with negation: held-out accuracy >= 90%"
    g = _gen(6)
    x, y = _corpus(512, g)
    x_test, y_test = _corpus(300, g)
    model = _loaded(m, VOCAB, 16, 16, seed=6)
    opt = torch.optim.Adam(model.parameters(), lr=0.04)
    loss_fn = nn.BCEWithLogitsLoss()
    loss = torch.tensor(float("nan"))
    model.train()
    for _ in range(30):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        test_logits = model(x_test)
    return {"test_logits": test_logits, "labels": y_test, "loss": float(loss.item()),
            "finite": bool(torch.isfinite(loss).item())}
