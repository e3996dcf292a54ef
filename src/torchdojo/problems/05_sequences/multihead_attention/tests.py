"""Probes for multihead_attention: the parameter names and layout of nn.MultiheadAttention (with
and without bias), then, with a state_dict made here and loaded strictly (once a seeded torch
module's own), outputs and head-averaged weights for self- and cross-attention, gradients and an
SGD step, key padding (right and left), causal and float attn_masks, both masks together,
need_weights=False, one head and E heads, batch 1, L = 1; by behaviour: padded keys and later
tokens change nothing; and a source check that torch's multi-head attention is not used.

The observations are the learner's; the worker compares them with the reference's, which equals
nn.MultiheadAttention(batch_first=True)."""

import torch
from torch import nn

from torchdojo.probes import compare, parse_source, probe, raised, shortcut, source_probe

RTOL, ATOL = 1e-5, 1e-5

BANNED = {
    "MultiheadAttention", "multi_head_attention_forward", "_native_multi_head_attention",
    "_triton_multi_head_attention", "Transformer", "TransformerEncoder", "TransformerDecoder",
    "TransformerEncoderLayer", "TransformerDecoderLayer",
}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _randn(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(*shape, generator=_gen(seed))


def _spec(e: int, bias: bool) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes (nn.MultiheadAttention's)."""
    spec = {"in_proj_weight": (3 * e, e)}
    if bias:
        spec["in_proj_bias"] = (3 * e,)
    spec["out_proj.weight"] = (e, e)
    if bias:
        spec["out_proj.bias"] = (e,)
    return spec


def _loaded(m, e: int, h: int, seed: int, bias: bool = True) -> nn.Module:
    """The learner's module with a seeded state_dict loaded strictly (a wrong layout raises).
    Biases are far from zero so that a bias used in the wrong place shows."""
    g = _gen(seed)
    sd = {k: torch.randn(shape, generator=g) * (0.5 if len(shape) == 2 else 0.3)
          for k, shape in _spec(e, bias).items()}
    mha = m.MultiHeadAttention(e, h, bias=bias)
    mha.load_state_dict(sd, strict=True)
    return mha


def _close(got, ref, path: str = "") -> str | None:
    """compare() key by key, with atol scaled by the reference's magnitude when above 1."""
    if isinstance(ref, dict) and "__ndarray__" not in ref:
        if not isinstance(got, dict):
            return f"{path}: expected a dict, got {type(got).__name__}"
        for k, r in ref.items():
            msg = _close(got.get(k), r, f"{path}.{k}" if path else str(k))
            if msg:
                return msg
        return None
    if isinstance(ref, tuple | list):
        if type(got) is not type(ref) or len(got) != len(ref):
            what = f"{type(got).__name__} of {len(got)}" if isinstance(got, tuple | list) \
                else type(got).__name__
            return (f"{path}: expected a {type(ref).__name__} of {len(ref)} (output, weights), "
                    f"got {what}")
        names = ("output", "weights") if len(ref) == 2 else tuple(map(str, range(len(ref))))
        for name, g, r in zip(names, got, ref, strict=True):
            msg = _close(g, r, f"{path} {name}" if path else name)
            if msg:
                return msg
        return None
    if isinstance(ref, torch.Tensor) and isinstance(got, torch.Tensor) and \
            got.shape != ref.shape:
        return f"{path}: expected shape {tuple(ref.shape)}, got {tuple(got.shape)}"
    atol = ATOL
    if isinstance(ref, torch.Tensor) and ref.is_floating_point() and ref.numel():
        atol = ATOL * max(1.0, float(ref.abs().max()))
    return compare(got, ref, rtol=RTOL, atol=atol, path=path)


def _judge(got, ref):
    return _close(got, ref)


# --- structure ---------------------------------------------------------------------------------

def _structure(mha) -> dict:
    return {"state_dict": sorted((k, list(v.shape)) for k, v in mha.state_dict().items()),
            "parameters": sorted(n for n, _ in mha.named_parameters()),
            "in_proj_bias_is_none": getattr(mha, "in_proj_bias", "missing") is None,
            "out_proj_is_linear": isinstance(getattr(mha, "out_proj", None), nn.Linear)}


def _structure_judge(got, ref):
    for key in ref:
        want, have = ref[key], got.get(key)
        if want != have:
            what = {"state_dict": "state_dict keys and shapes", "parameters": "parameter names",
                    "in_proj_bias_is_none": "self.in_proj_bias is None",
                    "out_proj_is_linear": "self.out_proj is an nn.Linear"}[key]
            return f"{got.get('case')}: {what}: expected {want!r}, got {have!r}"
    return None


def _structures_judge(got, ref):
    for case in ref:
        msg = _structure_judge({**got.get(case, {}), "case": case}, ref[case])
        if msg:
            return msg
    return None


@probe(public=True, judge=_structures_judge)
def structure(m):
    "MultiHeadAttention(8, 2) and (6, 3, bias=False): parameter names and shapes (torch's)"
    return {"MultiHeadAttention(8, 2)": _structure(m.MultiHeadAttention(8, 2)),
            "MultiHeadAttention(6, 3, bias=False)":
                _structure(m.MultiHeadAttention(6, 3, bias=False))}


def _raises_judge(got, ref):
    if got is None:
        return "MultiHeadAttention(10, 3) must raise: 10 is not divisible by 3"
    return None


@probe(judge=_raises_judge)
def not_divisible(m):
    "MultiHeadAttention(10, 3) raises an exception (10 is not divisible by 3)"
    return raised(lambda: m.MultiHeadAttention(10, 3))


# --- values ------------------------------------------------------------------------------------

@probe(public=True, judge=_judge)
def self_attention(m):
    "E=8, 2 heads, loaded weights, x (3, 5, 8): mha(x, x, x) -> (output, head-averaged weights)"
    mha = _loaded(m, 8, 2, seed=1)
    x = _randn(3, 5, 8, seed=101)
    return mha(x, x, x)


@probe(judge=_judge)
def torch_state_dict(m):
    "the state_dict of a seeded nn.MultiheadAttention(8, 4) loads strictly; outputs and weights"
    torch.manual_seed(2)
    sd = nn.MultiheadAttention(8, 4, batch_first=True).state_dict()
    mha = m.MultiHeadAttention(8, 4)
    mha.load_state_dict(sd, strict=True)
    x = _randn(2, 6, 8, seed=102)
    return mha(x, x, x)


@probe(public=True, judge=_judge)
def cross_attention(m):
    "cross-attention, 4 heads: query (2, 4, 8), key and value (2, 6, 8), different tensors"
    mha = _loaded(m, 8, 4, seed=3)
    q, k, v = _randn(2, 4, 8, seed=103), _randn(2, 6, 8, seed=203), _randn(2, 6, 8, seed=303)
    return mha(q, k, v)


def _grads(m, seed: int, **kwargs) -> tuple[nn.Module, dict]:
    mha = _loaded(m, 8, 2, seed=seed)
    q = _randn(2, 4, 8, seed=seed + 100).requires_grad_()
    k = _randn(2, 5, 8, seed=seed + 200).requires_grad_()
    v = _randn(2, 5, 8, seed=seed + 300).requires_grad_()
    out, w = mha(q, k, v, **kwargs)
    loss = (out * _randn(2, 4, 8, seed=seed + 400)).sum() + (w * _randn(2, 4, 5, seed=seed + 500)
                                                             ).sum()
    loss.backward()
    grads = {n: p.grad for n, p in mha.named_parameters()}
    grads.update({"query": q.grad, "key": k.grad, "value": v.grad})
    return mha, grads


def _grads_judge(got, ref):
    for name in ref:
        if got.get(name) is None:
            return f"{name} has no gradient after backward"
        msg = _close(got[name], ref[name])
        if msg:
            return f"gradient of {name}: {msg}"
    return None


@probe(judge=_grads_judge)
def gradients(m):
    "a seeded loss on the output and the weights: gradients of every parameter and of q, k, v"
    kpm = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    return _grads(m, seed=4, key_padding_mask=kpm)[1]


@probe(judge=_judge)
def sgd_step(m):
    "the same kind of loss, one torch.optim.SGD(lr=0.1) step: the parameters afterwards"
    mha, _ = _grads(m, seed=5)
    torch.optim.SGD(mha.parameters(), lr=0.1).step()
    return {n: p.detach().clone() for n, p in mha.named_parameters()}


def _lengths_mask(lengths: list[int], s: int, left: bool = False) -> torch.Tensor:
    """(B, S) bool, True at padding (right padding, or left padding with left=True)."""
    pos = torch.arange(s)
    if left:
        return pos[None, :] < (s - torch.tensor(lengths))[:, None]
    return pos[None, :] >= torch.tensor(lengths)[:, None]


@probe(public=True, judge=_judge)
def key_padding(m):
    "key_padding_mask (True = padding), lengths [4, 6, 2]: right padding and left padding"
    mha = _loaded(m, 8, 2, seed=6)
    x = _randn(3, 6, 8, seed=106)
    return {"right padding": mha(x, x, x, key_padding_mask=_lengths_mask([4, 6, 2], 6)),
            "left padding": mha(x, x, x, key_padding_mask=_lengths_mask([4, 6, 2], 6, True))}


def _unchanged(what: str, changed: str):
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"could not read the observation (got {type(got).__name__})"
        msg = _close(got.get("before"), ref["before"], what)
        if msg:
            return msg
        after, before = got.get("after"), got.get("before")
        if not isinstance(after, tuple) or compare(after, before, rtol=0, atol=1e-5):
            return changed
        return None

    return judge


@probe(judge=_unchanged("key padding", "changing the padded keys and values changed the "
                                      "output or the weights (padded keys must be ignored)"))
def padding_ignored(m):
    "cross-attention with key_padding_mask: changing the padded keys and values changes nothing"
    mha = _loaded(m, 8, 4, seed=7)
    q, k, v = _randn(3, 4, 8, seed=107), _randn(3, 6, 8, seed=207), _randn(3, 6, 8, seed=307)
    kpm = _lengths_mask([3, 6, 5], 6)
    before = mha(q, k, v, key_padding_mask=kpm)
    noise_k, noise_v = 20 * _randn(3, 6, 8, seed=407), 20 * _randn(3, 6, 8, seed=507)
    k2 = torch.where(kpm[..., None], noise_k, k)
    v2 = torch.where(kpm[..., None], noise_v, v)
    return {"before": before, "after": mha(q, k2, v2, key_padding_mask=kpm)}


def _causal(n: int) -> torch.Tensor:
    return torch.ones(n, n, dtype=torch.bool).triu(1)  # True above the diagonal = blocked


@probe(judge=_judge)
def causal_mask(m):
    "a causal bool attn_mask (True above the diagonal = blocked): outputs and weights"
    mha = _loaded(m, 8, 2, seed=8)
    x = _randn(2, 5, 8, seed=108)
    return mha(x, x, x, attn_mask=_causal(5))


@probe(judge=_unchanged("causal attn_mask", "with the causal attn_mask, changing tokens 3 and "
                                            "later changed the output at positions 0..2"))
def causal_no_future(m):
    "causal attn_mask: changing tokens from position 3 on changes no output before position 3"
    mha = _loaded(m, 8, 4, seed=9)
    x = _randn(2, 6, 8, seed=109)
    out, w = mha(x, x, x, attn_mask=_causal(6))
    x2 = x.clone()
    x2[:, 3:] = 10 * _randn(2, 3, 8, seed=209)
    out2, w2 = mha(x2, x2, x2, attn_mask=_causal(6))
    return {"before": (out[:, :3], w[:, :3]), "after": (out2[:, :3], w2[:, :3])}


@probe(judge=_judge)
def float_mask(m):
    "a float attn_mask (L, S), added to the scores, with some -inf entries; cross-attention"
    mha = _loaded(m, 8, 2, seed=10)
    q, k, v = _randn(2, 4, 8, seed=110), _randn(2, 5, 8, seed=210), _randn(2, 5, 8, seed=310)
    add = 1.5 * _randn(4, 5, seed=410)
    add[0, 1] = add[2, 4] = add[3, 0] = float("-inf")
    return mha(q, k, v, attn_mask=add)


@probe(judge=_judge)
def both_masks(m):
    "a causal bool attn_mask together with a key_padding_mask (lengths [5, 3])"
    mha = _loaded(m, 8, 2, seed=11)
    x = _randn(2, 5, 8, seed=111)
    return mha(x, x, x, key_padding_mask=_lengths_mask([5, 3], 5), attn_mask=_causal(5))


def _no_weights_judge(got, ref):
    if not isinstance(got, tuple) or len(got) != 2:
        return f"expected a tuple (output, None), got {type(got).__name__}"
    if got[1] is not None:
        return "with need_weights=False the second element must be None"
    return _close(got[0], ref[0], "output")


@probe(judge=_no_weights_judge)
def no_weights(m):
    "need_weights=False returns (output, None)"
    mha = _loaded(m, 8, 2, seed=12)
    x = _randn(2, 4, 8, seed=112)
    return mha(x, x, x, need_weights=False)


@probe(judge=_judge)
def head_counts(m):
    "num_heads = 1 and num_heads = E (head size 1), with a key_padding_mask"
    kpm = _lengths_mask([4, 2], 4)
    x = _randn(2, 4, 6, seed=113)
    return {"1 head": _loaded(m, 6, 1, seed=13)(x, x, x, key_padding_mask=kpm),
            "6 heads of size 1": _loaded(m, 6, 6, seed=213)(x, x, x, key_padding_mask=kpm)}


@probe(judge=_judge)
def small_shapes(m):
    "batch 1; L = 1 query against 5 keys; L = S = 1"
    mha = _loaded(m, 8, 2, seed=14)
    x = _randn(1, 5, 8, seed=114)
    q1 = _randn(2, 1, 8, seed=214)
    kv = _randn(2, 5, 8, seed=314)
    return {"batch 1": mha(x, x, x, attn_mask=_causal(5)),
            "L = 1": mha(q1, kv, kv),
            "L = S = 1": mha(q1, q1, q1)}


@probe(judge=_judge)
def no_bias(m):
    "bias=False: outputs and weights with loaded weights, and the gradients"
    mha = _loaded(m, 8, 4, seed=15, bias=False)
    q = _randn(2, 3, 8, seed=115).requires_grad_()
    kv = _randn(2, 5, 8, seed=215)
    out, w = mha(q, kv, kv)
    (out * _randn(2, 3, 8, seed=315)).sum().backward()
    return {"forward": (out, w), "query.grad": q.grad,
            "in_proj_weight.grad": mha.in_proj_weight.grad,
            "out_proj.weight.grad": mha.out_proj.weight.grad}


@probe(judge=_judge)
def non_contiguous(m):
    "inputs that are (L, B, E) tensors transposed to (B, L, E)"
    mha = _loaded(m, 8, 2, seed=16)
    q = _randn(4, 3, 8, seed=116).transpose(0, 1)
    kv = _randn(6, 3, 8, seed=216).transpose(0, 1)
    return mha(q, kv, kv, key_padding_mask=_lengths_mask([6, 2, 5], 6))


@source_probe
def no_torch_mha(source):
    "the source does not use torch's multi-head attention (nn.MultiheadAttention and friends)"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, BANNED)
    if found:
        return (f"found {found}: write the projections, the head split and the attention "
                "yourself (torch's multi-head attention is not allowed)")
    return None
