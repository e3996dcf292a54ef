"""Probes for additive_attention: the fixed layout of AdditiveAttention and AttentionPooling, then
with state_dicts made here and loaded strictly: context/pooled vectors and weights under right,
left and scattered masks and mask=None, gradients and an SGD step, padding by behaviour, T = 1,
batch 1, non-contiguous inputs, large scores, a row without real positions (zeros, finite
gradients), and a short seeded training run in which attention pooling must find a keyword in
padded synthetic sentences (the keyword also sits in the padding, where it must not count).

The observations are the learner's; the worker compares them with the reference's."""

import torch
from torch import nn

from torchdojo.probes import compare, probe

RTOL, ATOL = 1e-5, 1e-6


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _randn(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(*shape, generator=_gen(seed))


def _attn_spec(dq: int, dk: int, h: int) -> dict[str, tuple[int, ...]]:
    return {"W_q.weight": (h, dq), "W_k.weight": (h, dk), "W_k.bias": (h,), "v.weight": (1, h)}


def _pool_spec(d: int, h: int) -> dict[str, tuple[int, ...]]:
    return {"proj.weight": (h, d), "proj.bias": (h,), "v.weight": (1, h)}


def _state(spec: dict, seed: int, v_scale: float = 1.0) -> dict[str, torch.Tensor]:
    g = _gen(seed)
    sd = {k: torch.randn(shape, generator=g) * 0.6 for k, shape in spec.items()}
    sd["v.weight"] = sd["v.weight"] * v_scale
    return sd


def _attn(m, dq: int, dk: int, h: int, seed: int, v_scale: float = 1.0) -> nn.Module:
    """The learner's AdditiveAttention with a seeded state_dict loaded strictly."""
    mod = m.AdditiveAttention(dq, dk, h)
    mod.load_state_dict(_state(_attn_spec(dq, dk, h), seed, v_scale), strict=True)
    return mod


def _pool(m, d: int, h: int, seed: int) -> nn.Module:
    mod = m.AttentionPooling(d, h)
    mod.load_state_dict(_state(_pool_spec(d, h), seed), strict=True)
    return mod


def _lengths(lengths: list[int], t: int, left: bool = False) -> torch.Tensor:
    """(B, T) bool, True at the real positions (padding on the right, or on the left)."""
    pos = torch.arange(t)
    n = torch.tensor(lengths)[:, None]
    return pos[None, :] >= t - n if left else pos[None, :] < n


def _close(got, ref, path: str = "") -> str | None:
    """compare() through dicts and tuples, with atol scaled by the reference's magnitude."""
    if isinstance(ref, dict):
        if not isinstance(got, dict):
            return f"{path}: expected a dict, got {type(got).__name__}"
        for k, r in ref.items():
            msg = _close(got.get(k), r, f"{path}, {k}" if path else str(k))
            if msg:
                return msg
        return None
    if isinstance(ref, tuple):
        if not isinstance(got, tuple) or len(got) != len(ref):
            return f"{path}: expected a tuple of {len(ref)}, got {type(got).__name__}"
        for name, g, r in zip(("output", "weights"), got, ref, strict=True):
            msg = _close(g, r, f"{path} {name}" if path else name)
            if msg:
                return msg
        return None
    atol = ATOL
    if isinstance(ref, torch.Tensor) and ref.is_floating_point() and ref.numel():
        atol = ATOL * max(1.0, float(ref.abs().max()))
    return compare(got, ref, rtol=RTOL, atol=atol, path=path)


def _weights_ok(w, mask, what: str) -> str | None:
    """The masked-softmax contract: >= 0, exactly 0 at padding, rows of real positions sum to 1."""
    if not isinstance(w, torch.Tensor) or w.shape != mask.shape:
        return None  # the comparison with the reference reports the shape
    if bool((w[~mask] != 0).any()):
        return f"{what}: a padded position has a non-zero weight (it must be exactly 0)"
    sums = w.sum(dim=-1)
    real = mask.any(dim=-1)
    if bool((w < 0).any()) or not torch.allclose(sums[real], torch.ones_like(sums[real]),
                                                 atol=1e-5):
        return f"{what}: the weights of the real positions do not sum to 1"
    return None


def _masked_judge(got, ref):
    """Observations {"case": {"out": (vector, weights), "mask": mask}}: the contract, then the
    reference."""
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    for case, r in ref.items():
        g = got.get(case)
        if not isinstance(g, dict) or not isinstance(g.get("out"), tuple):
            return f"{case}: expected a tuple (vector, weights)"
        if len(g["out"]) == 2:
            msg = _weights_ok(g["out"][1], r["mask"], case)
            if msg:
                return msg
        msg = _close(g["out"], r["out"], case)
        if msg:
            return msg
    return None


# --- structure ---------------------------------------------------------------------------------

def _layout(mod) -> dict:
    return {"state_dict": sorted((k, list(v.shape)) for k, v in mod.state_dict().items()),
            "buffers": sorted(n for n, _ in mod.named_buffers())}


def _structure_judge(got, ref):
    for name in ref:
        if got.get(name) != ref[name]:
            return (f"{name}: state_dict keys and shapes should be {ref[name]['state_dict']} "
                    f"(no buffers), got {got.get(name)}")
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "AdditiveAttention(5, 7, 6) and AttentionPooling(4, 3): state_dict keys and shapes"
    return {"AdditiveAttention(5, 7, 6)": _layout(m.AdditiveAttention(5, 7, 6)),
            "AttentionPooling(4, 3)": _layout(m.AttentionPooling(4, 3))}


# --- AdditiveAttention -------------------------------------------------------------------------

def _inputs(b: int, t: int, dq: int, dk: int, dv: int, seed: int):
    return _randn(b, dq, seed=seed), _randn(b, t, dk, seed=seed + 1), _randn(b, t, dv, seed=seed + 2)


@probe(public=True, judge=_masked_judge)
def masked_context(m):
    "AdditiveAttention(5, 7, 6), keys (3, 6, 7), values (3, 6, 4): right and left padding"
    attn = _attn(m, 5, 7, 6, seed=1)
    q, k, v = _inputs(3, 6, 5, 7, 4, seed=101)
    obs = {}
    for name, mask in [("right padding, lengths [4, 6, 2]", _lengths([4, 6, 2], 6)),
                       ("left padding, lengths [3, 1, 6]", _lengths([3, 1, 6], 6, left=True))]:
        obs[name] = {"out": attn(q, k, v, mask), "mask": mask}
    return obs


@probe(judge=_masked_judge)
def no_mask_and_scattered(m):
    "mask=None (every position real), and a scattered mask; keys and values of the same size"
    attn = _attn(m, 4, 5, 8, seed=2)
    q, k, v = _inputs(2, 5, 4, 5, 5, seed=102)
    scattered = torch.tensor([[True, False, True, False, True], [False, False, True, True, False]])
    return {"mask=None": {"out": attn(q, k, v), "mask": torch.ones(2, 5, dtype=torch.bool)},
            "scattered mask": {"out": attn(q, k, v, scattered), "mask": scattered}}


def _grads_judge(got, ref):
    for name in ref:
        if got.get(name) is None:
            return f"{name} has no gradient after backward"
        msg = _close(got[name], ref[name])
        if msg:
            return f"gradient of {name}: {msg}"
    return None


def _attn_grads(m, seed: int) -> tuple[nn.Module, dict]:
    attn = _attn(m, 5, 4, 6, seed=seed)
    q, k, v = (t.requires_grad_() for t in _inputs(3, 5, 5, 4, 3, seed=seed + 100))
    ctx, w = attn(q, k, v, _lengths([5, 2, 4], 5))
    loss = (ctx * _randn(3, 3, seed=seed + 200)).sum() + (w * _randn(3, 5, seed=seed + 300)).sum()
    loss.backward()
    grads = {n: p.grad for n, p in attn.named_parameters()}
    grads.update({"query": q.grad, "keys": k.grad, "values": v.grad})
    return attn, grads


@probe(judge=_grads_judge)
def attention_gradients(m):
    "a seeded loss on context and weights (with padding): gradients of the parameters and inputs"
    return _attn_grads(m, seed=3)[1]


@probe(judge=lambda got, ref: _close(got, ref))
def attention_sgd_step(m):
    "the same loss, one torch.optim.SGD(lr=0.1) step: the parameters afterwards"
    attn, _ = _attn_grads(m, seed=4)
    torch.optim.SGD(attn.parameters(), lr=0.1).step()
    return {n: p.detach().clone() for n, p in attn.named_parameters()}


def _unchanged(what: str, changed: str):
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"could not read the observation (got {type(got).__name__})"
        msg = _close(got.get("before"), ref["before"], what)
        if msg:
            return msg
        after, before = got.get("after"), got.get("before")
        if not isinstance(after, tuple) or compare(after, before, rtol=0, atol=1e-6):
            return changed
        return None

    return judge


@probe(judge=_unchanged("padding", "changing the keys and values at padded positions changed "
                                   "the context or the weights (padding must not count)"))
def attention_padding_ignored(m):
    "changing the keys and values at padded positions changes neither context nor weights"
    attn = _attn(m, 5, 7, 6, seed=5)
    q, k, v = _inputs(3, 6, 5, 7, 4, seed=105)
    mask = _lengths([2, 6, 4], 6)
    k2 = torch.where(mask[..., None], k, 30 * _randn(3, 6, 7, seed=205))
    v2 = torch.where(mask[..., None], v, 30 * _randn(3, 6, 4, seed=305))
    return {"before": attn(q, k, v, mask), "after": attn(q, k2, v2, mask)}


@probe(judge=_masked_judge)
def small_and_strided(m):
    "T = 1, a batch of one, and non-contiguous keys and values ((T, B, D) transposed)"
    attn = _attn(m, 3, 4, 5, seed=6)
    q1, k1, v1 = _inputs(2, 1, 3, 4, 2, seed=106)
    qb, kb, vb = _inputs(1, 4, 3, 4, 2, seed=206)
    qs = _randn(3, 3, seed=306)
    ks = _randn(5, 3, 4, seed=406).transpose(0, 1)  # (3, 5, 4), not contiguous
    vs = _randn(2, 5, 3, seed=506).permute(2, 1, 0)  # (3, 5, 2), not contiguous
    one = torch.ones(2, 1, dtype=torch.bool)
    mb, ms = _lengths([3], 4), _lengths([5, 1, 3], 5)
    return {"T = 1": {"out": attn(q1, k1, v1, one), "mask": one},
            "batch 1": {"out": attn(qb, kb, vb, mb), "mask": mb},
            "non-contiguous": {"out": attn(qs, ks, vs, ms), "mask": ms}}


def _finite_masked_judge(got, ref):
    if isinstance(got, dict):
        for case, g in got.items():
            out = g.get("out") if isinstance(g, dict) else None
            if isinstance(out, tuple) and not all(
                    isinstance(t, torch.Tensor) and bool(torch.isfinite(t).all()) for t in out):
                return f"{case}: the result has NaN or inf"
    return _masked_judge(got, ref)


@probe(judge=_finite_masked_judge)
def large_scores(m):
    "v's weights scaled by 200 (scores in the hundreds): finite, correct weights"
    attn = _attn(m, 4, 4, 6, seed=7, v_scale=200.0)
    q, k, v = _inputs(3, 5, 4, 4, 3, seed=107)
    mask = _lengths([5, 3, 1], 5)
    return {"large scores": {"out": attn(q, k, v, mask), "mask": mask}}


def _empty_judge(got, ref):
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    for key, r in ref.items():
        g = got.get(key)
        if isinstance(g, torch.Tensor) and g.is_floating_point() and not bool(
                torch.isfinite(g).all()):
            return (f"{key} has NaN or inf: a row without any real position must give zero "
                    "weights and a zero vector, with finite gradients")
        msg = _close(g, r, key)
        if msg:
            return msg
    return None


@probe(judge=_empty_judge)
def empty_row(m):
    "a batch row with no real position: zero weights, zero context/pooled, finite gradients"
    attn = _attn(m, 4, 5, 6, seed=8)
    pool = _pool(m, 5, 6, seed=208)
    q, k, v = (t.requires_grad_() for t in _inputs(3, 4, 4, 5, 3, seed=108))
    mask = torch.tensor([[True, True, False, False], [False] * 4, [True] * 4])
    ctx, w = attn(q, k, v, mask)
    pooled, pw = pool(k, mask)
    loss = (ctx * _randn(3, 3, seed=308)).sum() + (pooled * _randn(3, 5, seed=408)).sum()
    loss.backward()
    return {"context": ctx, "weights": w, "pooled": pooled, "pooling weights": pw,
            "query.grad": q.grad, "keys.grad": k.grad, "values.grad": v.grad,
            "W_k.weight.grad": attn.W_k.weight.grad, "proj.weight.grad": pool.proj.weight.grad}


# --- AttentionPooling --------------------------------------------------------------------------

@probe(public=True, judge=_masked_judge)
def pooling(m):
    "AttentionPooling(6, 5), h (3, 7, 6): mask=None, right padding and left padding"
    pool = _pool(m, 6, 5, seed=9)
    h = _randn(3, 7, 6, seed=109)
    right, left = _lengths([5, 7, 2], 7), _lengths([1, 4, 7], 7, left=True)
    return {"mask=None": {"out": pool(h), "mask": torch.ones(3, 7, dtype=torch.bool)},
            "right padding": {"out": pool(h, right), "mask": right},
            "left padding": {"out": pool(h, left), "mask": left}}


@probe(judge=_grads_judge)
def pooling_gradients(m):
    "AttentionPooling: a seeded loss on pooled and weights: gradients of the parameters and of h"
    pool = _pool(m, 6, 5, seed=10)
    h = _randn(3, 5, 6, seed=110).requires_grad_()
    pooled, w = pool(h, _lengths([3, 5, 1], 5))
    ((pooled * _randn(3, 6, seed=210)).sum() + (w * _randn(3, 5, seed=310)).sum()).backward()
    grads = {n: p.grad for n, p in pool.named_parameters()}
    grads["h"] = h.grad
    return grads


@probe(judge=_unchanged("pooling", "changing h at padded positions changed the pooled vector "
                                   "or the weights (padding must not count)"))
def pooling_padding_ignored(m):
    "AttentionPooling: changing h at padded positions changes neither pooled vector nor weights"
    pool = _pool(m, 6, 5, seed=11)
    h = _randn(3, 6, 6, seed=111)
    mask = _lengths([4, 2, 6], 6)
    h2 = torch.where(mask[..., None], h, 30 * _randn(3, 6, 6, seed=211))
    return {"before": pool(h, mask), "after": pool(h2, mask)}


# --- training ----------------------------------------------------------------------------------

VOCAB, T, KEYWORD = 16, 8, 1


def _sentences(n: int, g: torch.Generator):
    """Random tokens 2..15 with lengths 3..8 (right padding). Label 1: the keyword (token 1) at
    one random real position. Half the sentences with padding also hold the keyword in their
    padding, where a masked model ignores it."""
    toks = torch.randint(2, VOCAB, (n, T), generator=g)
    lengths = torch.randint(3, T + 1, (n,), generator=g)
    mask = torch.arange(T)[None, :] < lengths[:, None]
    y = torch.randint(0, 2, (n,), generator=g)
    pos = (torch.rand(n, generator=g) * lengths).long()
    toks[y == 1, pos[y == 1]] = KEYWORD
    pad_pos = lengths + (torch.rand(n, generator=g) * (T - lengths)).long()
    decoy = (lengths < T) & (torch.rand(n, generator=g) < 0.5)
    toks[decoy, pad_pos[decoy]] = KEYWORD
    return toks, mask, y, pos


def _train_judge(got, ref):
    acc, hit = got.get("accuracy"), got.get("keyword_hit")
    if not isinstance(acc, float) or not isinstance(hit, float):
        return "could not measure the accuracy"
    if not got.get("finite"):
        return "the training loss became NaN or infinite"
    if acc < 0.93:
        return (f"held-out accuracy {acc:.1%} after 60 Adam steps, below 93% (the reference "
                f"reaches {ref['accuracy']:.1%}); is the padding masked?")
    if hit < 0.9:
        return (f"the largest attention weight is on the keyword in only {hit:.1%} of the "
                f"positive sentences, below 90% (the reference: {ref['keyword_hit']:.1%})")
    return None


@probe(judge=_train_judge)
def pooling_learns_keyword(m):
    "Embedding -> AttentionPooling -> Linear, 60 Adam steps: find a keyword in padded sentences"
    g = _gen(12)
    toks, mask, y, _ = _sentences(256, g)
    toks_te, mask_te, y_te, pos_te = _sentences(256, g)
    torch.manual_seed(0)
    emb, pool, head = nn.Embedding(VOCAB, 16), m.AttentionPooling(16, 16), nn.Linear(16, 2)
    params = [*emb.parameters(), *pool.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=0.05)
    loss = torch.tensor(float("nan"))
    for _ in range(60):
        opt.zero_grad()
        pooled, _ = pool(emb(toks), mask)
        loss = nn.functional.cross_entropy(head(pooled), y)
        loss.backward()
        opt.step()
    with torch.no_grad():
        pooled, w = pool(emb(toks_te), mask_te)
        acc = (head(pooled).argmax(dim=1) == y_te).float().mean().item()
        pos = y_te == 1
        hit = (w[pos].argmax(dim=1) == pos_te[pos]).float().mean().item()
    return {"accuracy": float(acc), "keyword_hit": float(hit),
            "finite": bool(torch.isfinite(loss).item())}
