"""Probes for bilstm_crf_tagger. The model's structure is fixed by the statement, so every value
probe builds the learner's BiLSTMCRF, loads a state_dict made here from a seeded generator
(strict=True) and compares emissions (at real positions), the loss, gradients, one SGD step and
the decoded paths with the reference's. The CRF class is also checked alone against an
enumeration of all tag paths made in the reference's process; padding invariance compares a
batch with itself padded further and with each sentence on its own; a short seeded training run
on a generated BIOES span-tagging task must reach a tag accuracy judged against the gold tags
of the reference's observation."""

import itertools
import math

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-4, "atol": 1e-5}
CRF_NAMES = ("start_transitions", "end_transitions", "transitions")


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _spec(v: int, e: int, h: int, k: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    spec = {"embed.weight": (v, e)}
    for sfx in ("", "_reverse"):
        spec |= {f"lstm.weight_ih_l0{sfx}": (4 * h, e), f"lstm.weight_hh_l0{sfx}": (4 * h, h),
                 f"lstm.bias_ih_l0{sfx}": (4 * h,), f"lstm.bias_hh_l0{sfx}": (4 * h,)}
    return spec | {"hidden2tag.weight": (k, 2 * h), "hidden2tag.bias": (k,),
                   "crf.start_transitions": (k,), "crf.end_transitions": (k,),
                   "crf.transitions": (k, k)}


_SCALE = {"embed": 0.8, "lstm": 0.5, "hidden2tag": 0.6, "crf": 0.7}


def _loaded(m, v: int, e: int, h: int, k: int, seed: int, pad_idx: int = 0):
    """The learner's BiLSTMCRF with seeded weights loaded strictly."""
    g = _gen(seed)
    sd = {key: torch.randn(shape, generator=g) * _SCALE[key.split(".")[0]]
          for key, shape in _spec(v, e, h, k).items()}
    model = m.BiLSTMCRF(v, e, h, k, pad_idx=pad_idx)
    model.load_state_dict(sd, strict=True)
    return model


def _mask(lengths: list[int], t: int) -> torch.Tensor:
    return torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]  # (B, T) right-padded


def _sentences(lengths: list[int], t: int, v: int, k: int, seed: int, pad_idx: int = 0):
    """Tokens (real ones never pad_idx, padded ones pad_idx), random tags, and the mask."""
    g = _gen(seed)
    tokens = torch.randint(1, v, (len(lengths), t), generator=g)
    tokens = torch.where(tokens == pad_idx, torch.zeros_like(tokens), tokens)  # pad_idx != 0
    tags = torch.randint(0, k, (len(lengths), t), generator=g)
    mask = _mask(lengths, t)
    return torch.where(mask, tokens, torch.full_like(tokens, pad_idx)), tags, mask


def _observe(model, tokens, tags, mask) -> dict:
    """Emissions at the real positions (row by row), the loss and the decoded paths."""
    em = model(tokens, mask)
    real = em[mask] if tuple(em.shape[:2]) == tuple(mask.shape) else em  # (N_real, K)
    return {"shape": list(em.shape), "emissions": real.detach(),
            "loss": model.loss(tokens, tags, mask).detach(), "decode": model.decode(tokens, mask)}


_WHAT = {"shape": "the shape of the emissions (B, T, num_tags)", "emissions": "the emissions at real positions", "loss": "the loss",
         "decode": "decode()", "grads": "the gradients", "params": "the parameters after "
         "one SGD(lr=0.1) step", "log_partition": "CRF.log_partition",
         "nll_none": "CRF.neg_log_likelihood(reduction='none')",
         "nll_mean": "CRF.neg_log_likelihood (default mean)",
         "viterbi": "CRF.viterbi_decode"}


def _keys_judge(got, ref, where: str = "") -> str | None:
    """Compare every key of the reference's observation, with a message naming it."""
    if not isinstance(got, dict):
        return f"{where}could not read the observation (got {type(got).__name__})"
    for key, want in ref.items():
        if key == "shape" and "shape" not in got:
            continue  # a variant that has no single batch shape
        msg = compare(got.get(key), want, **TOL)
        if msg:
            return f"{where}{_WHAT.get(key, key)}: {msg}"
    return None


def _structure_judge(got, ref):
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    missing = [k for k in ref["shapes"] if k not in got.get("shapes", {})]
    extra = [k for k in got.get("shapes", {}) if k not in ref["shapes"]]
    if missing or extra:
        return f"state_dict keys differ: missing {missing}, unexpected {extra}"
    params = got.get("params") if isinstance(got.get("params"), list) else []
    missing = [n for n in ref["params"] if n not in params]
    if missing:
        return (f"not trainable parameters (nn.Parameter with requires_grad): {missing}; "
                "a tensor attribute or a buffer is saved but never trained")
    for key in ("shapes", "params", "buffers", "n_params", "padding_idx", "pad_row_zero",
                "lstm"):
        if compare(got.get(key), ref[key]):
            return f"{key}: expected {ref[key]}, got {got.get(key)}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "BiLSTMCRF(12, 5, 4, 3, pad_idx=2): state_dict, trainable parameters, padding_idx, LSTM flags"
    model = m.BiLSTMCRF(12, 5, 4, 3, pad_idx=2)
    lstm = model.lstm
    return {"shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "params": sorted(n for n, p in model.named_parameters() if p.requires_grad),
            "buffers": [n for n, _ in model.named_buffers()],
            "n_params": sum(p.numel() for p in model.parameters()),
            "padding_idx": model.embed.padding_idx,
            "pad_row_zero": bool((model.embed.weight[2] == 0).all()),
            "lstm": {"bidirectional": lstm.bidirectional, "batch_first": lstm.batch_first,
                     "num_layers": lstm.num_layers}}


def _paths(k: int, length: int) -> torch.Tensor:
    return torch.tensor(list(itertools.product(range(k), repeat=length)))  # (K^L, L)


def _path_scores(sd, em_b, paths):
    length = paths.shape[1]
    s = (sd["start_transitions"][paths[:, 0]] + sd["end_transitions"][paths[:, -1]]
         + em_b[torch.arange(length), paths].sum(dim=1))
    if length > 1:
        s = s + sd["transitions"][paths[:, :-1], paths[:, 1:]].sum(dim=1)
    return s


def _crf_judge(got, ref):
    if not isinstance(got, dict) or not isinstance(got.get("learner"), dict):
        return f"could not read the observation (got {type(got).__name__})"
    for key, want in ref["brute"].items():
        msg = compare(got["learner"].get(key), want, rtol=1e-6, atol=1e-6)
        if msg:
            return f"{_WHAT[key]} differs from the enumeration of all paths: {msg}"
    return None


@probe(judge=_crf_judge)
def crf_brute_force(m):
    "CRF(3) alone, lengths [2, 4, 1, 3]: log Z, NLL and Viterbi against all K^L paths (float64)"
    g = _gen(1)
    sd = {n: torch.randn(shape, generator=g, dtype=torch.float64)
          for n, shape in zip(CRF_NAMES, [(3,), (3,), (3, 3)], strict=True)}
    lengths = [2, 4, 1, 3]
    em = torch.randn(4, 4, 3, generator=g, dtype=torch.float64) * 1.5
    tags = torch.randint(0, 3, (4, 4), generator=g)
    mask = _mask(lengths, 4)
    crf = m.CRF(3).double()
    crf.load_state_dict(sd, strict=True)
    learner = {"log_partition": crf.log_partition(em, mask).detach(),
               "nll_none": crf.neg_log_likelihood(em, tags, mask, reduction="none").detach(),
               "nll_mean": crf.neg_log_likelihood(em, tags, mask).detach(),
               "viterbi": crf.viterbi_decode(em, mask)}
    logz, gold, best = [], [], []
    for b, length in enumerate(lengths):
        paths = _paths(3, length)
        s = _path_scores(sd, em[b, :length], paths)
        logz.append(torch.logsumexp(s, dim=0))
        gold.append(_path_scores(sd, em[b, :length], tags[b, :length].unsqueeze(0))[0])
        best.append(paths[s.argmax()].tolist())
    nll = torch.stack(logz) - torch.stack(gold)
    return {"learner": learner, "brute": {"log_partition": torch.stack(logz), "nll_none": nll,
                                          "nll_mean": nll.mean(), "viterbi": best}}


@probe(public=True, judge=_keys_judge)
def loaded_emissions(m):
    "loaded weights, sentences of lengths [3, 6, 1, 4]: emissions at real positions, loss, decode"
    model = _loaded(m, 12, 5, 4, 3, seed=2)
    return _observe(model, *_sentences([3, 6, 1, 4], 6, 12, 3, seed=102))


def _grads_judge(got, ref):
    if not isinstance(got, dict) or not isinstance(got.get("grads"), dict):
        return f"could not read the observation (got {type(got).__name__})"
    for name, want in ref["grads"].items():
        if got["grads"].get(name) is None:
            return (f"{name} gets no gradient from the loss (is it a trainable nn.Parameter, "
                    "and does the loss reach it?)")
        msg = compare(got["grads"][name], want, **TOL)
        if msg:
            return f"gradient of {name}: {msg}"
    return _keys_judge({"loss": got.get("loss"), "params": got.get("params")},
                       {"loss": ref["loss"], "params": ref["params"]})


@probe(judge=_grads_judge)
def gradients_and_sgd_step(m):
    "loaded weights: the gradient of every parameter of the loss, and one SGD(lr=0.1) step"
    model = _loaded(m, 12, 5, 4, 3, seed=3)
    tokens, tags, mask = _sentences([4, 2, 5, 3], 5, 12, 3, seed=103)
    loss = model.loss(tokens, tags, mask)
    loss.backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {"loss": loss.detach(), "grads": grads,
            "params": {n: p.detach().clone() for n, p in model.named_parameters()}}


@probe(judge=_keys_judge)
def decode_loaded(m):
    "loaded weights, 5 sentences of lengths [5, 2, 6, 1, 4], 4 tags: decode() paths"
    model = _loaded(m, 15, 6, 5, 4, seed=4)
    tokens, tags, mask = _sentences([5, 2, 6, 1, 4], 6, 15, 4, seed=104)
    return {"decode": model.decode(tokens, mask)}


def _invariance_judge(got, ref):
    texts = {"tight": "padded to the longest sentence",
             "more_padding": "with 3 more padded steps holding other tokens (not pad_idx)",
             "alone": "each sentence on its own (batch 1, no padding)"}
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    for name, text in texts.items():
        msg = _keys_judge(got.get(name), ref["tight"], f"{text}: ")
        if msg:
            return msg
    return None


@probe(judge=_invariance_judge)
def padding_invariance(m):
    "more padding, other tokens at padded positions, or one sentence at a time change nothing"
    model = _loaded(m, 12, 5, 4, 3, seed=5)
    lengths = [3, 5, 1, 4]
    tokens, tags, mask = _sentences(lengths, 5, 12, 3, seed=105)
    g = _gen(205)
    long_tokens = torch.randint(1, 12, (4, 8), generator=g)
    long_tags = torch.randint(0, 3, (4, 8), generator=g)
    long_mask = _mask(lengths, 8)
    long_tokens[:, :5] = torch.where(mask, tokens, long_tokens[:, :5])
    long_tags[:, :5] = torch.where(mask, tags, long_tags[:, :5])
    alone = [_observe(model, tokens[b:b + 1, :n], tags[b:b + 1, :n], mask[b:b + 1, :n])
             for b, n in enumerate(lengths)]
    tight = _observe(model, tokens, tags, mask)
    more = _observe(model, long_tokens, long_tags, long_mask)
    tight.pop("shape")
    more.pop("shape")  # (4, 8, K): what must not change is at the real positions
    return {"tight": tight, "more_padding": more,
            "alone": {"emissions": torch.cat([a["emissions"] for a in alone]),
                      "loss": torch.stack([a["loss"] for a in alone]).mean(),
                      "decode": [a["decode"][0] for a in alone]}}


def _edge_judge(got, ref):
    for name, text in (("t1", "batch 1, a sentence of length 1"),
                       ("b1", "batch 1, a sentence of length 5"),
                       ("pad3", "pad_idx=3, lengths [2, 4]")):
        msg = _keys_judge(got.get(name) if isinstance(got, dict) else got, ref[name],
                          f"{text}: ")
        if msg:
            return msg
    return None


@probe(judge=_edge_judge)
def edge_cases(m):
    "batch 1 with a length-1 sentence, batch 1 unpadded, and a non-default pad_idx"
    model = _loaded(m, 12, 5, 4, 3, seed=6)
    t1 = _observe(model, *_sentences([1], 1, 12, 3, seed=106))
    b1 = _observe(model, *_sentences([5], 5, 12, 3, seed=107))
    model3 = _loaded(m, 12, 5, 4, 3, seed=7, pad_idx=3)
    pad3 = _observe(model3, *_sentences([2, 4], 4, 12, 3, seed=108, pad_idx=3))
    return {"t1": t1, "b1": b1, "pad3": pad3}


# ---- learning: BIOES tags for runs of "entity" tokens --------------------------------------
N_ENT, N_OTHER = 5, 10  # tokens 1..5 are entity words, 6..15 other words, 0 is padding
STEPS, BATCH = 40, 32


def _bioes(n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A run of entity tokens is tagged S (length 1) or B I ... I E; other tokens O.
    Tags: O=0, B=1, I=2, E=3, S=4. A token's tag needs both of its neighbours."""
    lengths = torch.randint(3, 9, (n,), generator=g)
    t = int(lengths.max())
    mask = torch.arange(t)[None, :] < lengths[:, None]
    ent = (torch.rand(n, t, generator=g) < 0.45) & mask
    tokens = torch.where(ent, torch.randint(1, 1 + N_ENT, (n, t), generator=g),
                         torch.randint(1 + N_ENT, 1 + N_ENT + N_OTHER, (n, t), generator=g))
    tokens = torch.where(mask, tokens, torch.zeros_like(tokens))
    no = torch.zeros(n, 1, dtype=torch.bool)
    prev, nxt = torch.cat([no, ent[:, :-1]], dim=1), torch.cat([ent[:, 1:], no], dim=1)
    tags = torch.zeros(n, t, dtype=torch.long)
    tags[ent & ~prev & nxt] = 1
    tags[ent & prev & nxt] = 2
    tags[ent & prev & ~nxt] = 3
    tags[ent & ~prev & ~nxt] = 4
    return tokens, tags, mask


def _train_judge(got, ref):
    if not isinstance(got, dict) or not isinstance(got.get("decode"), list):
        return f"could not read the decoded paths (got {type(got).__name__})"
    pred, gold = got["decode"], ref["gold"]
    if len(pred) != len(gold) or any(not isinstance(p, list) or len(p) != len(y)
                                     for p, y in zip(pred, gold, strict=False)):
        return "decode() on the held-out sentences returned paths of the wrong number or lengths"
    n = sum(len(y) for y in gold)
    right = sum(a == b for p, y in zip(pred, gold, strict=True) for a, b in zip(p, y, strict=True))
    acc = right / n
    if not got.get("finite"):
        return "the training loss became NaN or infinite"
    if acc < 0.9:
        return (f"after {STEPS} Adam steps the held-out tag accuracy is {acc:.1%}, below 90% "
                f"(the reference reaches {ref['accuracy']:.1%}); loss {got['first']:.3f} -> "
                f"{got['last']:.3f}")
    return None


@probe(judge=_train_judge)
def learns_bioes_spans(m):
    "BiLSTMCRF(16, 8, 16, 5), 40 Adam steps on generated BIOES span tagging: held-out tag accuracy >= 90%"
    g = _gen(8)
    tokens, tags, mask = _bioes(8 * BATCH, g)
    test_tokens, test_tags, test_mask = _bioes(96, g)
    torch.manual_seed(0)
    model = m.BiLSTMCRF(1 + N_ENT + N_OTHER, 8, 16, 5)
    opt = torch.optim.Adam(model.parameters(), lr=0.03)
    losses = []
    for step in range(STEPS):
        i = (step % 8) * BATCH
        opt.zero_grad()
        loss = model.loss(tokens[i:i + BATCH], tags[i:i + BATCH], mask[i:i + BATCH])
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    with torch.no_grad():
        pred = model.decode(test_tokens, test_mask)
    gold = [test_tags[b, :n].tolist() for b, n in enumerate(test_mask.sum(dim=1).tolist())]
    n = sum(len(y) for y in gold)
    right = sum(a == b for p, y in zip(pred, gold, strict=False) for a, b in zip(p, y, strict=False))
    return {"decode": pred, "gold": gold, "accuracy": right / n, "first": losses[0],
            "last": losses[-1], "finite": all(math.isfinite(v) for v in losses)}
