"""Probes for packed_lstm_classifier: the fixed structure (state_dict keys and shapes, padding_idx,
a one-layer bidirectional batch-first LSTM, a zero pad row); with a seeded state_dict loaded
strictly, the logits for lengths in any order, length 1, a batch of one, extra padding, train and
eval mode, changed padding tokens, lengths as a tensor or a list, a non-default pad index; the
gradients (zero for the pad row) and one SGD step.

Logits are compared with the reference's observation and with every sequence run alone, unpadded,
through torch modules holding the same weights (computed in the reference's process: the
learner's process cannot touch it)."""

import torch
from torch import nn

from torchdojo.probes import compare, probe

RTOL, ATOL = 1e-5, 1e-5


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _spec(v: int, e: int, h: int, c: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    spec = {"embed.weight": (v, e)}
    for suffix in ("", "_reverse"):
        spec.update({f"lstm.weight_ih_l0{suffix}": (4 * h, e),
                     f"lstm.weight_hh_l0{suffix}": (4 * h, h),
                     f"lstm.bias_ih_l0{suffix}": (4 * h,), f"lstm.bias_hh_l0{suffix}": (4 * h,)})
    spec.update({"fc.weight": (c, 2 * h), "fc.bias": (c,)})
    return spec


def _sd(v: int, e: int, h: int, c: int, seed: int, pad: int) -> dict[str, torch.Tensor]:
    g = _gen(seed)
    sd = {k: torch.randn(s, generator=g) * 0.5 for k, s in _spec(v, e, h, c).items()}
    sd["embed.weight"][pad] = 0.0  # as nn.Embedding(padding_idx=pad) keeps it
    return sd


def _loaded(m, v: int, e: int, h: int, c: int, seed: int, pad: int = 0):
    """The learner's model with seeded weights loaded strictly, and the state_dict."""
    sd = _sd(v, e, h, c, seed, pad)
    model = (m.PackedBiLSTMClassifier(v, e, h, c) if pad == 0
             else m.PackedBiLSTMClassifier(v, e, h, c, pad_idx=pad))
    model.load_state_dict(sd, strict=True)
    return model, sd


@torch.no_grad()
def _alone(sd: dict, tokens: torch.Tensor, lengths: list[int]) -> torch.Tensor:
    """Each sequence by itself (batch of one, no padding) through torch modules with sd."""
    v, e = sd["embed.weight"].shape
    h = sd["lstm.weight_hh_l0"].shape[1]
    embed = nn.Embedding(v, e)
    embed.weight.copy_(sd["embed.weight"])
    lstm = nn.LSTM(e, h, batch_first=True, bidirectional=True)
    lstm.load_state_dict({k[5:]: t for k, t in sd.items() if k.startswith("lstm.")}, strict=True)
    rows = []
    for b, n in enumerate(lengths):
        _, (h_n, _) = lstm(embed(tokens[b:b + 1, :n]))  # h_n (2, 1, H)
        rows.append(torch.cat([h_n[0], h_n[1]], dim=1) @ sd["fc.weight"].T + sd["fc.bias"])
    return torch.cat(rows)  # (B, C)


def _tokens(lengths: list[int], t: int, v: int, seed: int, pad: int = 0) -> torch.Tensor:
    """Right-padded (B, t) token ids; real tokens are never the pad id."""
    g = _gen(seed)
    real = torch.randint(0, v - 1, (len(lengths), t), generator=g)
    real = real + (real >= pad).long()  # skip the pad id
    pos = torch.arange(t).expand(len(lengths), t)
    return torch.where(pos < torch.tensor(lengths)[:, None], real, torch.full_like(real, pad))


def _repad(tokens: torch.Tensor, lengths: list[int], v: int, seed: int) -> torch.Tensor:
    """The same sequences with random (non-pad-looking) tokens in the padding."""
    noise = torch.randint(0, v, tokens.shape, generator=_gen(seed))
    pos = torch.arange(tokens.shape[1]).expand_as(tokens)
    return torch.where(pos < torch.tensor(lengths)[:, None], tokens, noise)


def _logits_problem(got, ref_alone: torch.Tensor, lengths: list[int], what: str) -> str | None:
    if not isinstance(got, torch.Tensor):
        return f"{what}: expected a tensor of logits, got {type(got).__name__}"
    if tuple(got.shape) != tuple(ref_alone.shape):
        return f"{what}: logits of shape {tuple(got.shape)}, expected {tuple(ref_alone.shape)}"
    if got.dtype != ref_alone.dtype:
        return f"{what}: logits of dtype {got.dtype}, expected {ref_alone.dtype}"
    close = torch.isclose(got, ref_alone, rtol=RTOL, atol=ATOL)
    bad = [b for b in range(len(lengths)) if not bool(close[b].all())]
    if not bad:
        return None
    diff = float((got - ref_alone).abs().max())
    return (f"{what}: rows {bad} (lengths {[lengths[b] for b in bad]}) differ from the logits "
            f"of those sequences run alone, unpadded (max abs diff {diff:.3g}; lengths "
            f"{lengths})")


def _logits_judge(got, ref):
    for key in ref["logits"]:
        msg = _logits_problem(got["logits"].get(key), ref["alone"], ref["lengths"], key)
        if msg:
            return msg
    return None


def _observe(m, lengths: list[int], t: int, seed: int, v: int = 23, e: int = 5, h: int = 4,
             c: int = 3, pad: int = 0, modes: bool = False) -> dict:
    model, sd = _loaded(m, v, e, h, c, seed, pad)
    tokens = _tokens(lengths, t, v, seed + 100, pad)
    logits = {"logits": model(tokens, torch.tensor(lengths))}
    if modes:
        model.eval()
        logits["logits in eval mode"] = model(tokens, torch.tensor(lengths))
    return {"logits": logits, "alone": _alone(sd, tokens, lengths), "lengths": lengths}


def _structure_judge(got, ref):
    for key in ref:
        g, r = got[key], ref[key]
        if g["shapes"] != r["shapes"]:
            missing = [k for k in r["shapes"] if k not in g["shapes"]]
            extra = [k for k in g["shapes"] if k not in r["shapes"]]
            if missing or extra:
                return f"{key}: state_dict keys missing {missing}, unexpected {extra}"
            wrong = next(k for k in r["shapes"] if g["shapes"][k] != r["shapes"][k])
            return (f"{key}: {wrong} has shape {tuple(g['shapes'][wrong])}, expected "
                    f"{tuple(r['shapes'][wrong])}")
        for attr, text in (("padding_idx", "embed.padding_idx"),
                           ("lstm", "the LSTM's (bidirectional, batch_first, num_layers)"),
                           ("pad_row_zero", "the pad row of the fresh embedding is all zeros"),
                           ("buffers", "buffers")):
            if g[attr] != r[attr]:
                return f"{key}: {text}: expected {r[attr]}, got {g[attr]}"
    return None


def _structure(model, pad: int) -> dict:
    lstm = getattr(model, "lstm", None)
    embed = getattr(model, "embed", None)
    return {"shapes": {k: list(t.shape) for k, t in model.state_dict().items()},
            "padding_idx": getattr(embed, "padding_idx", "missing"),
            "lstm": [getattr(lstm, a, "missing") for a in ("bidirectional", "batch_first",
                                                          "num_layers")],
            "pad_row_zero": bool((embed.weight[pad] == 0).all()) if embed is not None else None,
            "buffers": [n for n, _ in model.named_buffers()]}


@probe(public=True, judge=_structure_judge)
def structure(m):
    "(20, 6, 5, 3) and (30, 4, 3, 2, pad_idx=7): keys, shapes, padding_idx, LSTM flags, pad row"
    torch.manual_seed(0)
    a = m.PackedBiLSTMClassifier(20, 6, 5, 3)
    b = m.PackedBiLSTMClassifier(30, 4, 3, 2, pad_idx=7)
    return {"default pad_idx": _structure(a, 0), "pad_idx=7": _structure(b, 7)}


@probe(public=True, judge=_logits_judge)
def mixed_lengths(m):
    "lengths [4, 7, 2, 7, 5] (the longest not first), T = 7: logits in train and eval mode"
    return _observe(m, [4, 7, 2, 7, 5], 7, seed=1, modes=True)


def _parts_judge(got, ref):
    for part in ref["parts"]:
        for key in ref["parts"][part]["logits"]:
            msg = _logits_problem(got["parts"][part]["logits"].get(key),
                                  ref["parts"][part]["alone"], ref["parts"][part]["lengths"],
                                  f"{part}: {key}")
            if msg:
                return msg
    return None


@probe(judge=_parts_judge)
def ascending_and_equal(m):
    "lengths given shortest first [1, 2, 4, 6], and all equal [5, 5, 5]"
    return {"parts": {"ascending": _observe(m, [1, 2, 4, 6], 6, seed=2),
                      "equal": _observe(m, [5, 5, 5], 5, seed=3)}}


@probe(judge=_parts_judge)
def short_and_small(m):
    "length 1 in a batch [3, 1, 5, 1], a batch of one (length 4), and one of length 1"
    return {"parts": {"with length 1": _observe(m, [3, 1, 5, 1], 5, seed=4),
                      "batch of one": _observe(m, [4], 4, seed=5),
                      "one token": _observe(m, [1], 3, seed=6)}}


@probe(judge=_logits_judge)
def extra_padding(m):
    "T = 9 while the longest sequence has 6 tokens: lengths [3, 6, 2]"
    return _observe(m, [3, 6, 2], 9, seed=7)


@probe(judge=_logits_judge)
def padding_is_ignored(m):
    "the same batch with the pad id, and with random tokens, in the padding: equal logits"
    lengths, v = [2, 6, 3, 6, 1], 23
    model, sd = _loaded(m, v, 5, 4, 3, seed=8)
    tokens = _tokens(lengths, 6, v, seed=108)
    noisy = _repad(tokens, lengths, v, seed=208)
    return {"logits": {"pad id in the padding": model(tokens, torch.tensor(lengths)),
                       "random tokens in the padding": model(noisy, torch.tensor(lengths))},
            "alone": _alone(sd, tokens, lengths), "lengths": lengths}


def _lengths_judge(got, ref):
    msg = _logits_judge(got, ref)
    if msg:
        return msg
    if got["tensor_after"] != ref["tensor_after"]:
        return (f"the lengths tensor was modified: {ref['tensor_after']} became "
                f"{got['tensor_after']}")
    return None


@probe(judge=_lengths_judge)
def lengths_tensor_or_list(m):
    "lengths [5, 2, 4] as a CPU int64 tensor and as a list: equal logits; the tensor unchanged"
    lengths, v = [5, 2, 4], 23
    model, sd = _loaded(m, v, 5, 4, 3, seed=9)
    tokens = _tokens(lengths, 5, v, seed=109)
    as_tensor = torch.tensor(lengths, dtype=torch.int64)
    return {"logits": {"lengths as a tensor": model(tokens, as_tensor),
                       "lengths as a list": model(tokens, list(lengths))},
            "alone": _alone(sd, tokens, lengths), "lengths": lengths,
            "tensor_after": as_tensor.tolist()}


@probe(judge=_logits_judge)
def other_pad_idx(m):
    "pad_idx=4: lengths [3, 5, 1, 4], T = 5"
    return _observe(m, [3, 5, 1, 4], 5, seed=10, pad=4)


def _grads_judge(got, ref):
    if got["pad_row_grad"] is not None and got["pad_row_grad"] != 0.0:
        return (f"the embedding's pad row received a gradient (max abs "
                f"{got['pad_row_grad']:.3g}); it must get none")
    for key, text in (("grads", "gradients"), ("after_step", "parameters after one SGD step")):
        if ref[key] is None:
            continue
        msg = _close(got[key], ref[key])
        if msg:
            return f"{text} differ from the reference's: {msg}"
    return None


def _close(got, ref) -> str | None:
    """compare() key by key, rtol 1e-4 and atol scaled by the reference's magnitude."""
    if not isinstance(got, dict):
        return f"expected a dict of tensors, got {type(got).__name__}"
    for k, r in ref.items():
        if got.get(k) is None:
            return f"{k}: no gradient"
        msg = compare(got[k], r, rtol=1e-4, atol=ATOL * max(1.0, float(r.abs().max())), path=k)
        if msg:
            return msg
    return None


@probe(judge=_grads_judge)
def gradients_and_sgd(m):
    "lengths [3, 6, 1, 4]: every parameter's gradient (the pad row's is zero) and an SGD step"
    lengths, v, pad = [3, 6, 1, 4], 23, 2
    model, _ = _loaded(m, v, 5, 4, 3, seed=11, pad=pad)
    tokens = _tokens(lengths, 6, v, seed=111, pad=pad)
    logits = model(tokens, torch.tensor(lengths))
    (logits * torch.randn(logits.shape, generator=_gen(311))).sum().backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    emb_grad = grads.get("embed.weight")
    pad_row = None if emb_grad is None else float(emb_grad[pad].abs().max())
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {"grads": grads, "pad_row_grad": pad_row,
            "after_step": {n: p.detach().clone() for n, p in model.named_parameters()}}
