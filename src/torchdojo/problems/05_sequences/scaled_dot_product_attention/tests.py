"""Probes for scaled_dot_product_attention: sdpa() against the reference (which equals
F.scaled_dot_product_attention without dropout) for no mask, custom scales, bool and float masks of
several broadcast shapes, is_causal with L == S, L < S and L > S (top-left alignment), gradients,
float64, fully masked rows (zeros, as torch returns), scores around 1e4, 3-d and size-1 inputs,
non-contiguous inputs; by behaviour: masked keys and (under is_causal) later keys change nothing;
and a source check that torch's attention is not called.

Every input comes from the probe's own seeded generator; the observations are the learner's
outputs, compared with the reference's by the worker."""

import torch

from torchdojo.probes import compare, parse_source, probe, shortcut, source_probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
TOL64 = {"rtol": 1e-10, "atol": 1e-10}

# torch's attention, under every name that reaches it
BANNED = {
    "scaled_dot_product_attention", "multi_head_attention_forward", "MultiheadAttention",
    "flex_attention", "_scaled_dot_product_attention_math",
    "_scaled_dot_product_attention_math_for_mps", "_scaled_dot_product_flash_attention",
    "_scaled_dot_product_flash_attention_for_cpu", "_scaled_dot_product_efficient_attention",
    "_scaled_dot_product_cudnn_attention", "_scaled_dot_product_fused_attention_overrideable",
    "_flash_attention_forward", "_efficient_attention_forward",
    "_flash_attention_forward_no_dropout_inplace", "_native_multi_head_attention",
    "_triton_multi_head_attention", "_triton_scaled_dot_attention", "Transformer",
    "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
    "TransformerDecoderLayer",
}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _qkv(b: int, h: int, L: int, S: int, e: int, ev: int, seed: int,
         dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, ...]:
    """Seeded (b, h, L, e), (b, h, S, e), (b, h, S, ev) queries, keys and values."""
    g = _gen(seed)
    return (torch.randn(b, h, L, e, generator=g, dtype=dtype),
            torch.randn(b, h, S, e, generator=g, dtype=dtype),
            torch.randn(b, h, S, ev, generator=g, dtype=dtype))


def _bool_mask(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """A random keep-mask in which every query row keeps at least one key."""
    m = torch.rand(shape, generator=_gen(seed)) > 0.45
    L, S = shape[-2], shape[-1]
    rows = torch.arange(L)
    m[..., rows, rows % S] = True
    return m


def _float_mask(shape: tuple[int, ...], seed: int, dtype=torch.float32) -> torch.Tensor:
    """Finite offsets with some -inf entries; every row keeps at least one finite entry."""
    g = _gen(seed)
    m = (2 * torch.randn(shape, generator=g)).to(dtype)
    drop = torch.rand(shape, generator=g) > 0.7
    L, S = shape[-2], shape[-1]
    rows = torch.arange(L)
    drop[..., rows, rows % S] = False
    return m.masked_fill(drop, float("-inf"))


def _close(what: str, tol: dict):
    """A judge comparing key by key and naming the first case that differs."""

    def judge(got, ref):
        if not isinstance(got, dict):
            return f"could not read the observation (got {type(got).__name__})"
        for key, r in ref.items():
            g = got.get(key)
            if isinstance(g, torch.Tensor) and g.is_floating_point() and not bool(
                    torch.isfinite(g).all()) and bool(torch.isfinite(r).all()):
                return f"{what}, {key}: the result has NaN or inf where the reference is finite"
            msg = compare(g, r, **tol)
            if msg:
                return f"{what}, {key}: {msg}"
        return None

    return judge


def _with_grads(m, q, k, v, seed: int, **kwargs) -> dict:
    """Output and the gradients of q, k, v after a seeded loss sum(out * w)."""
    q, k, v = (t.clone().requires_grad_() for t in (q, k, v))
    out = m.sdpa(q, k, v, **kwargs)
    w = torch.randn(out.shape, generator=_gen(seed), dtype=out.dtype)
    (out * w).sum().backward()
    return {"out": out, "q.grad": q.grad, "k.grad": k.grad, "v.grad": v.grad}


# --- values ------------------------------------------------------------------------------------

@probe(public=True, judge=_close("no mask", TOL))
def no_mask(m):
    "no mask, (2, 3, 4, 6) queries, 5 keys, value size 7: output equals the reference"
    q, k, v = _qkv(2, 3, 4, 5, 6, 7, seed=1)
    return {"out": m.sdpa(q, k, v)}


@probe(judge=_close("custom scale", TOL))
def custom_scale(m):
    "scale=0.3 and scale=2.0 instead of 1/sqrt(E), with and without a mask"
    q, k, v = _qkv(2, 2, 3, 4, 8, 5, seed=2)
    keep = _bool_mask((3, 4), seed=102)
    return {"scale=0.3": m.sdpa(q, k, v, scale=0.3),
            "scale=2.0": m.sdpa(q, k, v, scale=2.0),
            "scale=2.0 with a bool mask": m.sdpa(q, k, v, attn_mask=keep, scale=2.0)}


@probe(public=True, judge=_close("bool mask", TOL))
def bool_masks(m):
    "bool masks (True = takes part) of shapes (L, S), (B, 1, L, S) and (B, H, L, S)"
    q, k, v = _qkv(2, 3, 4, 6, 5, 3, seed=3)
    return {"(L, S) mask": m.sdpa(q, k, v, attn_mask=_bool_mask((4, 6), 103)),
            "(B, 1, L, S) mask": m.sdpa(q, k, v, attn_mask=_bool_mask((2, 1, 4, 6), 203)),
            "(B, H, L, S) mask": m.sdpa(q, k, v, attn_mask=_bool_mask((2, 3, 4, 6), 303))}


@probe(judge=_close("float mask", TOL))
def float_masks(m):
    "float masks (added to the scores) with finite and -inf entries, (B, H, L, S) and (1, H, 1, S)"
    q, k, v = _qkv(2, 3, 5, 4, 6, 6, seed=4)
    full = _float_mask((2, 3, 5, 4), 104)
    per_head = 2 * torch.randn(1, 3, 1, 4, generator=_gen(204))
    per_head[0, 1, 0, 2] = float("-inf")
    return {"(B, H, L, S) float mask": m.sdpa(q, k, v, attn_mask=full),
            "(1, H, 1, S) float mask": m.sdpa(q, k, v, attn_mask=per_head)}


@probe(public=True, judge=_close("is_causal", TOL))
def causal(m):
    "is_causal=True with L == S, L < S and L > S (top-left aligned), and with scale=0.5"
    out = {}
    for L, S, seed in [(5, 5, 5), (3, 6, 15), (6, 3, 25)]:
        q, k, v = _qkv(2, 2, L, S, 4, 3, seed=seed)
        out[f"L={L}, S={S}"] = m.sdpa(q, k, v, is_causal=True)
    q, k, v = _qkv(1, 2, 4, 7, 4, 3, seed=35)
    out["L=4, S=7, scale=0.5"] = m.sdpa(q, k, v, is_causal=True, scale=0.5)
    return out


@probe(judge=_close("gradients", TOL))
def gradients(m):
    "the output and the gradients of q, k and v under a bool mask, a float mask and is_causal"
    q, k, v = _qkv(2, 2, 4, 5, 3, 6, seed=6)
    obs = {}
    for name, kw in [("bool mask", {"attn_mask": _bool_mask((2, 1, 4, 5), 106)}),
                     ("float mask", {"attn_mask": _float_mask((4, 5), 206)}),
                     ("is_causal", {"is_causal": True})]:
        for key, val in _with_grads(m, q, k, v, seed=306, **kw).items():
            obs[f"{name}: {key}"] = val
    return obs


@probe(judge=_close("float64", TOL64))
def float64(m):
    "float64 inputs and a float64 mask: dtype float64, values to float64 precision"
    q, k, v = _qkv(2, 2, 4, 6, 5, 3, seed=7, dtype=torch.float64)
    return {"float mask": m.sdpa(q, k, v, attn_mask=_float_mask((2, 2, 4, 6), 107,
                                                                 torch.float64)),
            "is_causal, scale=0.7": m.sdpa(q, k, v, is_causal=True, scale=0.7)}


def _dead_judge(got, ref):
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    for key, r in ref.items():
        g = got.get(key)
        if isinstance(g, torch.Tensor) and g.is_floating_point() and bool(torch.isnan(g).any()):
            return (f"{key} has NaN: a query whose keys are all masked must give a row of zeros "
                    "(and zero gradients), as torch does")
        msg = compare(g, r, **TOL)
        if msg:
            return f"fully masked row, {key}: {msg}"
    return None


@probe(judge=_dead_judge)
def fully_masked_rows(m):
    "a query row whose keys are all masked (bool all False, float all -inf): zeros, finite grads"
    q, k, v = _qkv(2, 2, 4, 5, 3, 4, seed=8)
    keep = _bool_mask((2, 1, 4, 5), 108)
    keep[0, 0, 1] = False  # batch 0: query 1 sees no key
    keep[1, 0, 3] = False  # batch 1: query 3 sees no key
    add = _float_mask((4, 5), 208)
    add[2] = float("-inf")  # query 2 sees no key, in every batch and head
    obs = {}
    for name, mask in [("bool mask", keep), ("float mask", add)]:
        for key, val in _with_grads(m, q, k, v, seed=308, attn_mask=mask).items():
            obs[f"{name}: {key}"] = val
    return obs


@probe(judge=_close("large scores", TOL))
def large_scores(m):
    "queries and keys scaled by 100 (scores around 1e4), no mask and a bool mask: finite, correct"
    q, k, v = _qkv(2, 2, 4, 6, 6, 3, seed=9)
    q, k = q * 100, k * 100
    return {"no mask": m.sdpa(q, k, v),
            "bool mask": m.sdpa(q, k, v, attn_mask=_bool_mask((4, 6), 109)),
            "is_causal": m.sdpa(q, k, v, is_causal=True)}


@probe(judge=_close("small shapes", TOL))
def small_shapes(m):
    "3-d (B, L, E) inputs, L = 1, S = 1 and a batch of one"
    g = _gen(10)
    q3, k3, v3 = (torch.randn(3, 4, 5, generator=g), torch.randn(3, 6, 5, generator=g),
                  torch.randn(3, 6, 2, generator=g))
    q, k, v = _qkv(1, 1, 1, 1, 4, 3, seed=110)
    ql, kl, vl = _qkv(2, 3, 1, 5, 4, 3, seed=210)
    return {"3-d inputs with a (L, S) mask": m.sdpa(q3, k3, v3, attn_mask=_bool_mask((4, 6), 310)),
            "3-d inputs, is_causal": m.sdpa(q3, k3, v3, is_causal=True),
            "L = S = 1, batch 1": m.sdpa(q, k, v),
            "L = S = 1, is_causal": m.sdpa(q, k, v, is_causal=True),
            "L = 1, S = 5": m.sdpa(ql, kl, vl),
            "L = 1, S = 5, is_causal": m.sdpa(ql, kl, vl, is_causal=True)}


def _inputs_judge(got, ref):
    for key in ("q", "k", "v"):
        if compare(got.get(key), ref[key], rtol=0, atol=0):
            return f"sdpa modified its input {key} in place"
    return _close("non-contiguous inputs", TOL)({"out": got.get("out")}, {"out": ref["out"]})


@probe(judge=_inputs_judge)
def non_contiguous(m):
    "non-contiguous (B, L, H, E) tensors transposed to (B, H, L, E); the inputs are not modified"
    g = _gen(11)
    q = torch.randn(2, 4, 3, 5, generator=g).transpose(1, 2)  # (B, H, L, E), strided
    k = torch.randn(2, 6, 3, 5, generator=g).transpose(1, 2)
    v = torch.randn(2, 6, 3, 4, generator=g).transpose(1, 2)
    out = m.sdpa(q, k, v, attn_mask=_float_mask((4, 6), 111))
    return {"out": out, "q": q, "k": k, "v": v}


# --- behaviour ---------------------------------------------------------------------------------

def _unchanged(what: str, changed: str):
    """Judge: "before" equals the reference's, and "after" (inputs changed where they must not
    matter) equals "before"."""

    def judge(got, ref):
        if not isinstance(got, dict):
            return f"could not read the observation (got {type(got).__name__})"
        msg = _close(what, TOL)({"out": got.get("before")}, {"out": ref["before"]})
        if msg:
            return msg
        g = got.get("after")
        if not isinstance(g, torch.Tensor) or compare(g, got["before"], rtol=0, atol=1e-6):
            return changed
        return None

    return judge


@probe(judge=_unchanged("bool mask removing keys 4 and 5", "changing the keys and values "
                        "of masked positions changed the output (masked keys must not count)"))
def masked_keys_ignored(m):
    "a bool mask that removes keys 4 and 5 for every query: changing those keys changes nothing"
    q, k, v = _qkv(2, 2, 4, 6, 5, 3, seed=12)
    keep = torch.ones(4, 6, dtype=torch.bool)
    keep[:, 4:] = False
    before = m.sdpa(q, k, v, attn_mask=keep)
    k2, v2 = k.clone(), v.clone()
    k2[..., 4:, :] = 50 * torch.randn(k2[..., 4:, :].shape, generator=_gen(112))
    v2[..., 4:, :] = 50 * torch.randn(v2[..., 4:, :].shape, generator=_gen(212))
    return {"before": before, "after": m.sdpa(q, k2, v2, attn_mask=keep)}


@probe(judge=_unchanged("is_causal", "under is_causal, changing positions 3 and later "
                        "changed the outputs of queries 0..2 (a query must not see later keys)"))
def causal_no_future(m):
    "is_causal: changing the queries, keys and values from position 3 on changes no output before 3"
    q, k, v = _qkv(2, 2, 6, 6, 4, 3, seed=13)
    before = m.sdpa(q, k, v, is_causal=True)[..., :3, :]
    q2, k2, v2 = q.clone(), k.clone(), v.clone()
    for i, t in enumerate((q2, k2, v2)):
        t[..., 3:, :] = 10 * torch.randn(t[..., 3:, :].shape, generator=_gen(113 + i))
    return {"before": before, "after": m.sdpa(q2, k2, v2, is_causal=True)[..., :3, :]}


@source_probe
def no_torch_attention(source):
    "the source does not call torch's attention (F.scaled_dot_product_attention and friends)"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, BANNED)
    if found:
        return (f"found {found}: write the attention yourself with matmul, masked_fill and "
                "softmax (torch's attention functions and layers are not allowed)")
    return None
