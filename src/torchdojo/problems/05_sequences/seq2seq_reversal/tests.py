"""Probes for seq2seq_reversal. The layout is fixed by the statement, so every value probe builds
a state_dict itself (seeded, for the keys and shapes the statement lists; the target vocabulary
larger than the source one), loads it strictly and compares with the reference's observation:
logits for teacher-forcing ratios 1, 0 and 0.5 (seeded generators), causality in tgt_in,
gradients and one SGD step, greedy decoding with sequences stopping at different steps, batch 1.
shift_right on its own. Finally the learner's model is trained by the probe on digit reversal
and judged on the greedy decodes of held-out sequences."""

import torch
import torch.nn.functional as F

from torchdojo.probes import compare, probe

VS, VT, E, H = 9, 13, 6, 10  # source vocab, target vocab, embedding, hidden
BOS, EOS = 11, 12
TOL = {"rtol": 1e-4, "atol": 1e-5}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _spec(vs: int, vt: int, e: int, h: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    spec = {"encoder.embedding.weight": (vs, e), "decoder.embedding.weight": (vt, e)}
    for part in ("encoder", "decoder"):
        spec |= {f"{part}.rnn.weight_ih_l0": (3 * h, e), f"{part}.rnn.weight_hh_l0": (3 * h, h),
                 f"{part}.rnn.bias_ih_l0": (3 * h,), f"{part}.rnn.bias_hh_l0": (3 * h,)}
    return spec | {"decoder.out.weight": (vt, h), "decoder.out.bias": (vt,)}


def _model(m, vs: int = VS, vt: int = VT, e: int = E, h: int = H, bos: int = BOS,
           eos: int = EOS):
    return m.Seq2Seq(m.Encoder(vs, e, h), m.Decoder(vt, e, h), bos, eos)


def _loaded(m, seed: int, eos_bias: float = 0.0, scale: float = 0.6, **sizes):
    """The learner's Seq2Seq with seeded weights loaded strictly (a wrong layout raises).
    ``eos_bias`` is added to the output bias of EOS, to make sequences stop at varied steps."""
    model = _model(m, **sizes)
    vs, vt = sizes.get("vs", VS), sizes.get("vt", VT)
    g = _gen(seed)
    sd = {k: torch.randn(shape, generator=g) * scale
          for k, shape in _spec(vs, vt, sizes.get("e", E), sizes.get("h", H)).items()}
    sd["decoder.out.bias"][sizes.get("eos", EOS)] += eos_bias
    model.load_state_dict(sd, strict=True)
    return model


def _src(b: int, s: int, seed: int, vs: int = VS) -> torch.Tensor:
    return torch.randint(0, vs, (b, s), generator=_gen(seed))


def _tgt_in(b: int, t: int, seed: int, bos: int = BOS, vt: int = VT) -> torch.Tensor:
    """A decoder input made by the probe itself: BOS, then random target tokens."""
    body = torch.randint(0, vt, (b, t - 1), generator=_gen(seed))
    return torch.cat([torch.full((b, 1), bos), body], dim=1)


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
    if got["buffers"]:
        return f"the model has buffers {got['buffers'][:3]}; it should have none"
    if got["n_params"] != ref["n_params"]:
        return f"{got['n_params']} parameter elements, expected {ref['n_params']}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "Seq2Seq(Encoder(9, 6, 10), Decoder(13, 6, 10), 11, 12): state_dict keys and shapes, parameter count, no buffers"
    model = _model(m)
    return {"shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "n_params": sum(p.numel() for p in model.parameters()),
            "buffers": [n for n, _ in model.named_buffers()]}


# ------------------------------------------------------------------ shift_right

@probe(public=True)
def shift_right_values(m):
    "shift_right on a (3, 5) target with bos=11, and on a (1, 1) one with bos=0: the result, and tgt afterwards"
    out = {}
    for name, tgt, bos in (("3x5", torch.randint(0, 11, (3, 5), generator=_gen(1)), 11),
                           ("1x1", torch.tensor([[7]]), 0)):
        before = tgt.clone()
        res = m.shift_right(tgt, bos)
        out[name] = {"result": res, "tgt_unchanged": bool(torch.equal(tgt, before))}
    return out


# ------------------------------------------------------------------ logits with loaded weights

@probe(public=True, **TOL)
def teacher_forced_logits(m):
    "loaded weights, src (4, 5), tgt_in (4, 6), ratio 1.0: the logits (4, 6, 13)"
    model = _loaded(m, seed=1)
    with torch.no_grad():
        return model(_src(4, 5, seed=101), _tgt_in(4, 6, seed=102), 1.0, _gen(0))


@probe(**TOL)
def free_running_logits(m):
    "loaded weights, src (4, 5), tgt_in (4, 6), ratio 0.0: each step fed the previous step's argmax"
    model = _loaded(m, seed=2)
    with torch.no_grad():
        return model(_src(4, 5, seed=103), _tgt_in(4, 6, seed=104), 0.0, _gen(0))


@probe(**TOL)
def mixed_ratio_logits(m):
    "loaded weights, tgt_in (3, 8), ratio 0.4 with generators seeded 3 and 4: one draw per step t >= 1 decides"
    model = _loaded(m, seed=3)
    src, tgt_in = _src(3, 4, seed=105), _tgt_in(3, 8, seed=106)
    with torch.no_grad():
        return {f"seed {s}": model(src, tgt_in, 0.4, _gen(s)) for s in (3, 4)}


def _causal_judge(got, ref):
    for key in ("a", "b"):
        if not isinstance(got[key], torch.Tensor) or got[key].shape != ref[key].shape:
            return compare(got[key], ref[key], path=key)
    k = ref["k"]
    if not torch.allclose(got["a"][:, :k], got["b"][:, :k], rtol=1e-5, atol=1e-6):
        return (f"changing tgt_in at positions >= {k} changed the logits of steps < {k}: the "
                "logits of step t may depend only on tgt_in[:, :t+1] (the decoder must not see "
                "the tokens it is asked to predict)")
    return compare(got["a"], ref["a"], **TOL, path="logits")


@probe(judge=_causal_judge)
def causal_in_tgt_in(m):
    "ratio 1.0: changing tgt_in after position 3 leaves the logits of steps 0-2 unchanged"
    model = _loaded(m, seed=4)
    src, a = _src(3, 5, seed=107), _tgt_in(3, 7, seed=108)
    b = a.clone()
    b[:, 3:] = torch.randint(0, VT, (3, 4), generator=_gen(109))
    with torch.no_grad():
        return {"a": model(src, a, 1.0, _gen(0)), "b": model(src, b, 1.0, _gen(0)), "k": 3}


def _backward(m, seed: int):
    model = _loaded(m, seed=seed)
    src, tgt_in = _src(4, 5, seed=110), _tgt_in(4, 6, seed=111)
    target = torch.randint(0, VT, (4, 6), generator=_gen(112))
    logits = model(src, tgt_in, 1.0, _gen(0))
    F.cross_entropy(logits.reshape(-1, VT), target.reshape(-1)).backward()
    return model


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
    "loaded weights, ratio 1.0, a seeded cross-entropy loss: the gradient of every parameter"
    model = _backward(m, seed=5)
    return {n: p.grad for n, p in model.named_parameters()}


@probe(**TOL)
def sgd_step(m):
    "the same loss, one torch.optim.SGD(lr=0.1) step: the parameters afterwards"
    model = _backward(m, seed=6)
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {n: p.detach().clone() for n, p in model.named_parameters()}


# ------------------------------------------------------------------ greedy decoding

def _is_token_lists(x) -> bool:
    return isinstance(x, list) and all(
        isinstance(row, list) and all(type(t) is int for t in row) for row in x)


def _decode_judge(got, ref):
    decoded = got.get("decoded") if isinstance(got, dict) else None
    if not isinstance(decoded, dict):
        return "could not read the decoded sequences"
    for case, want in ref["decoded"].items():
        have = decoded.get(case)
        if not _is_token_lists(have):
            return (f"{case}: greedy_decode must return a list of lists of Python ints, got "
                    f"{type(have).__name__}" + (f" of {type(have[0]).__name__}"
                                                if isinstance(have, list) and have else ""))
        if len(have) != len(want):
            return f"{case}: {len(have)} sequences for a batch of {len(want)}"
        for i, (h, w) in enumerate(zip(have, want, strict=True)):
            if h == w:
                continue
            eos, max_len = ref["eos"], ref["max_len"][case]
            if eos in h:
                return f"{case}: sequence {i} contains EOS ({eos}); return the tokens before it"
            if len(h) > len(w) and h[:len(w)] == w:
                return (f"{case}: sequence {i} is {h}, expected {w}: it went on past its EOS "
                        f"(max_len={max_len}); each sequence stops at its own first EOS")
            if len(h) < len(w) and w[:len(h)] == h:
                return (f"{case}: sequence {i} is {h}, expected {w}: it stopped early (did "
                        "another sequence's EOS stop it?)")
            return f"{case}: sequence {i} is {h}, expected {w}"
    return None


def _decode_cases(m, cases) -> dict:
    out = {"eos": EOS, "max_len": {}, "decoded": {}}
    for seed, bias, scale, max_len in cases:
        model = _loaded(m, seed=seed, eos_bias=bias, scale=scale)
        case = f"weights {seed}, max_len {max_len}"
        out["decoded"][case] = model.greedy_decode(_src(10, 3, seed=200 + seed), max_len)
        out["max_len"][case] = max_len
    return out


@probe(public=True, judge=_decode_judge)
def greedy_matches_reference(m):
    "loaded weights, a batch of 10, max_len 8: greedy_decode's token lists, exactly"
    return _decode_cases(m, [(14, 1.5, 1.0, 8)])


@probe(judge=_decode_judge)
def eos_stops_each_sequence(m):
    "loaded weights, batches of 10: sequences stop at their own EOS, at different steps, or run to max_len"
    return _decode_cases(m, [(9, 1.5, 1.0, 8), (12, 1.5, 1.0, 8), (12, 1.5, 1.0, 5),
                             (7, 0.5, 0.6, 8)])


@probe(**TOL)
def batch_of_one(m):
    "batch 1: logits for src (1, 1) and tgt_in (1, 1), logits for src (1, 3) and tgt_in (1, 4), greedy_decode of one sequence"
    model = _loaded(m, seed=11, eos_bias=0.5)
    with torch.no_grad():
        one = model(torch.tensor([[3]]), torch.tensor([[BOS]]), 0.0, _gen(0))
        four = model(_src(1, 3, seed=114), _tgt_in(1, 4, seed=115), 1.0, _gen(0))
    return {"src 1, tgt_in 1": one, "src 3, tgt_in 4": four,
            "greedy": model.greedy_decode(_src(1, 5, seed=116), 7)}


# ------------------------------------------------------------------ learning to reverse

V, D_BOS, D_EOS = 12, 10, 11  # digits 0-9, BOS, EOS
LENGTHS, STEPS, THRESHOLD = (3, 4), 70, 0.8


def _digits(g: torch.Generator, n: int, length: int) -> tuple[torch.Tensor, torch.Tensor]:
    src = torch.randint(0, 10, (n, length), generator=g)
    tgt = torch.cat([src.flip(1), torch.full((n, 1), D_EOS)], dim=1)  # reversed, then EOS
    return src, tgt


def _accuracy(decoded: list, src: list, max_len: int) -> float:
    """Token accuracy over the reversed digits and the final EOS of every sequence."""
    right = total = 0
    for d, s in zip(decoded, src, strict=True):
        want = s[::-1] + [D_EOS]
        have = d + [D_EOS] if len(d) < max_len else d  # a list shorter than max_len hit EOS
        right += sum(1 for i, w in enumerate(want) if i < len(have) and have[i] == w)
        total += len(want)
    return right / max(total, 1)


def _learn_judge(got, ref):
    if not got["finite"]:
        return "the training loss became NaN or infinite"
    right = total = 0
    for length in LENGTHS:
        key = f"length {length}"
        decoded, src, max_len = got["decoded"].get(key), ref["src"][key], ref["max_len"]
        if not _is_token_lists(decoded) or len(decoded) != len(src):
            return f"greedy_decode must return one list of Python ints per sequence ({key})"
        n = sum(len(s) + 1 for s in src)
        right += _accuracy(decoded, src, max_len) * n
        total += n
    acc, ref_acc = right / total, 0.0
    for length in LENGTHS:
        key = f"length {length}"
        ref_acc += _accuracy(ref["decoded"][key], ref["src"][key], ref["max_len"]) * sum(
            len(s) + 1 for s in ref["src"][key])
    if acc < THRESHOLD:
        return (f"after {STEPS} training steps greedy decoding reverses held-out sequences with "
                f"a token accuracy of {acc:.1%}, below {THRESHOLD:.0%} (the reference reaches "
                f"{ref_acc / total:.1%}); last training loss {got['loss']:.3f}")
    return None


@probe(judge=_learn_judge)
def learns_to_reverse(m):
    "Seq2Seq(Encoder(12, 16, 64), Decoder(12, 16, 64), 10, 11), 70 Adam steps with teacher forcing on digit sequences of length 3-4: held-out greedy token accuracy >= 80%"
    data, forcing = _gen(21), _gen(22)
    torch.manual_seed(0)
    model = m.Seq2Seq(m.Encoder(V, 16, 64), m.Decoder(V, 16, 64), D_BOS, D_EOS)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loss = torch.tensor(float("nan"))
    for step in range(STEPS):
        src, tgt = _digits(data, 128, LENGTHS[step % len(LENGTHS)])
        logits = model(src, m.shift_right(tgt, D_BOS), 1.0, forcing)  # (B, T, V)
        loss = F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    test, max_len = _gen(23), 7
    out = {"src": {}, "decoded": {}, "max_len": max_len, "loss": float(loss.item()),
           "finite": bool(torch.isfinite(loss).item())}
    for length in LENGTHS:
        src, _ = _digits(test, 100, length)
        out["src"][f"length {length}"] = src.tolist()
        out["decoded"][f"length {length}"] = model.greedy_decode(src, max_len)
    return out
