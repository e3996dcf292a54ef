"""Probes for self_attention_single_head: the q/k/v layout, then with a state_dict made here and
loaded strictly: outputs and weights, gradients and an SGD step, the 1/sqrt(head_dim) scale with a
large head, causal and key-padding masks (right and left padding) by value and by behaviour,
both masks together, permutation equivariance without masks, batch 1, T = 1, a non-contiguous
input and large inputs.

The observations are the learner's outputs; the worker compares them with the reference's."""

import torch
from torch import nn

from torchdojo.probes import compare, probe

RTOL, ATOL = 1e-5, 1e-6


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _randn(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(*shape, generator=_gen(seed))


def _spec(e: int, d: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    return {f"{n}.{p}": ((d, e) if p == "weight" else (d,)) for n in "qkv"
            for p in ("weight", "bias")}


def _loaded(m, e: int, d: int, seed: int, scale: float = 0.5) -> nn.Module:
    """The learner's SelfAttention with a seeded state_dict loaded strictly."""
    g = _gen(seed)
    sd = {k: torch.randn(shape, generator=g) * scale for k, shape in _spec(e, d).items()}
    attn = m.SelfAttention(e, d)
    attn.load_state_dict(sd, strict=True)
    return attn


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
            return f"{path}: expected a tuple (out, weights), got {type(got).__name__}"
        for name, g, r in zip(("out", "weights"), got, ref, strict=True):
            msg = _close(g, r, f"{path} {name}" if path else name)
            if msg:
                return msg
        return None
    atol = ATOL
    if isinstance(ref, torch.Tensor) and ref.is_floating_point() and ref.numel():
        atol = ATOL * max(1.0, float(ref.abs().max()))
    return compare(got, ref, rtol=RTOL, atol=atol, path=path)


def _judge(got, ref):
    return _close(got, ref)


def _lengths_mask(lengths: list[int], t: int, left: bool = False) -> torch.Tensor:
    """(B, T) bool, True at padding (on the right, or on the left with left=True)."""
    pos = torch.arange(t)
    n = torch.tensor(lengths)[:, None]
    return pos[None, :] < t - n if left else pos[None, :] >= n


# --- structure and values ----------------------------------------------------------------------

def _structure_judge(got, ref):
    if got != ref:
        return (f"state_dict keys and shapes: expected {ref['state_dict']}, got "
                f"{got.get('state_dict')}; buffers {got.get('buffers')}")
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "SelfAttention(8, 4): state_dict keys and shapes (q, k, v only), no buffers"
    attn = m.SelfAttention(8, 4)
    return {"state_dict": sorted((k, list(v.shape)) for k, v in attn.state_dict().items()),
            "buffers": sorted(n for n, _ in attn.named_buffers())}


@probe(public=True, judge=_judge)
def no_masks(m):
    "SelfAttention(8, 4) with loaded weights, x (3, 5, 8): (out, weights)"
    return _loaded(m, 8, 4, seed=1)(_randn(3, 5, 8, seed=101))


def _grads(m, seed: int, **kwargs) -> tuple[nn.Module, dict]:
    attn = _loaded(m, 6, 5, seed=seed)
    x = _randn(2, 4, 6, seed=seed + 100).requires_grad_()
    out, w = attn(x, **kwargs)
    loss = (out * _randn(2, 4, 5, seed=seed + 200)).sum() + (w * _randn(2, 4, 4, seed=seed + 300)
                                                            ).sum()
    loss.backward()
    grads = {n: p.grad for n, p in attn.named_parameters()}
    grads["x"] = x.grad
    return attn, grads


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
    "a seeded loss on out and weights (causal, with padding): gradients of every parameter and x"
    return _grads(m, seed=2, causal=True, key_padding_mask=_lengths_mask([4, 3], 4))[1]


@probe(judge=_judge)
def sgd_step(m):
    "the same kind of loss without masks, one torch.optim.SGD(lr=0.1) step: the parameters"
    attn, _ = _grads(m, seed=3)
    torch.optim.SGD(attn.parameters(), lr=0.1).step()
    return {n: p.detach().clone() for n, p in attn.named_parameters()}


@probe(judge=_judge)
def scale_large_head(m):
    "SelfAttention(4, 64): head_dim much larger than embed_dim (the scale is 1/sqrt(head_dim))"
    attn = _loaded(m, 4, 64, seed=4, scale=0.4)
    return attn(_randn(2, 6, 4, seed=104))


@probe(public=True, judge=_judge)
def causal(m):
    "causal=True: (out, weights), keys after each query get weight 0"
    return _loaded(m, 8, 4, seed=5)(_randn(2, 6, 8, seed=105), causal=True)


def _unchanged(what: str, changed: str):
    """Judge: "before" equals the reference's, and "after" (inputs changed where they must not
    matter) equals "before"."""

    def judge(got, ref):
        if not isinstance(got, dict):
            return f"could not read the observation (got {type(got).__name__})"
        msg = _close(got.get("before"), ref["before"], what)
        if msg:
            return msg
        after, before = got.get("after"), got.get("before")
        if not isinstance(after, dict) or compare(after, before, rtol=0, atol=1e-5):
            return changed
        return None

    return judge


@probe(judge=_unchanged("causal", "with causal=True, changing the tokens from position 3 on "
                                  "changed the output at positions 0..2"))
def causal_no_future(m):
    "causal=True: changing the tokens from position 3 on changes no output before position 3"
    attn = _loaded(m, 8, 4, seed=6)
    x = _randn(2, 7, 8, seed=106)
    x2 = x.clone()
    x2[:, 3:] = 10 * _randn(2, 4, 8, seed=206)
    out, w = attn(x, causal=True)
    out2, w2 = attn(x2, causal=True)
    return {"before": {"out": out[:, :3], "weights": w[:, :3]},
            "after": {"out": out2[:, :3], "weights": w2[:, :3]}}


@probe(public=True, judge=_judge)
def key_padding(m):
    "key_padding_mask (True = padding), lengths [3, 6, 4]: right padding and left padding"
    attn = _loaded(m, 8, 4, seed=7)
    x = _randn(3, 6, 8, seed=107)
    return {"right padding": attn(x, key_padding_mask=_lengths_mask([3, 6, 4], 6)),
            "left padding": attn(x, key_padding_mask=_lengths_mask([3, 6, 4], 6, left=True))}


def _real_rows(out: torch.Tensor, w: torch.Tensor, pad: torch.Tensor) -> dict:
    real = ~pad
    return {"out": out[real], "weights": w[real]}  # rows of the real queries only


@probe(judge=_unchanged("key padding", "changing the padded tokens changed the output at a "
                                       "real position (padded keys must get weight 0)"))
def padding_ignored(m):
    "changing the padded tokens (right and left padding) changes no output at a real position"
    attn = _loaded(m, 8, 4, seed=8)
    x = _randn(3, 6, 8, seed=108)
    noise = 20 * _randn(3, 6, 8, seed=208)
    obs = {"before": {}, "after": {}}
    for name, pad in [("right", _lengths_mask([2, 5, 6], 6)),
                      ("left", _lengths_mask([4, 6, 1], 6, left=True))]:
        x2 = torch.where(pad[..., None], noise, x)
        obs["before"][name] = _real_rows(*attn(x, key_padding_mask=pad), pad)
        obs["after"][name] = _real_rows(*attn(x2, key_padding_mask=pad), pad)
    return obs


@probe(judge=_judge)
def both_masks(m):
    "causal=True together with a right-padding key_padding_mask (lengths [6, 4])"
    attn = _loaded(m, 8, 4, seed=9)
    return attn(_randn(2, 6, 8, seed=109), key_padding_mask=_lengths_mask([6, 4], 6),
                causal=True)


def _perm_judge(got, ref):
    msg = _close(got.get("plain"), ref["plain"], "without masks")
    if msg:
        return msg
    perm = ref["perm"]
    out, w = got["plain"]
    pout, pw = got.get("permuted", (None, None))
    want = {"out": out[:, perm], "weights": w[:, perm][:, :, perm]}
    if compare({"out": pout, "weights": pw}, want, rtol=1e-5, atol=1e-5):
        return ("permuting the tokens did not permute the outputs and weights the same way "
                "(without masks, self-attention is permutation-equivariant)")
    return None


@probe(judge=_perm_judge)
def permutation_equivariance(m):
    "without masks, out(x[:, p]) == out(x)[:, p] and the weights are permuted on both axes"
    attn = _loaded(m, 8, 4, seed=10)
    x = _randn(2, 6, 8, seed=110)
    perm = torch.randperm(6, generator=_gen(210))
    return {"plain": attn(x), "permuted": attn(x[:, perm]), "perm": perm}


@probe(judge=_judge)
def small_shapes(m):
    "a batch of one, T = 1 (with both masks off and on), and a non-contiguous x"
    attn = _loaded(m, 8, 4, seed=11)
    one = _randn(1, 5, 8, seed=111)
    t1 = _randn(3, 1, 8, seed=211)
    strided = _randn(5, 2, 8, seed=311).transpose(0, 1)  # (2, 5, 8), not contiguous
    return {"batch 1": attn(one, causal=True),
            "T = 1": attn(t1),
            "T = 1, causal, no padding": attn(t1, key_padding_mask=torch.zeros(3, 1, dtype=bool),
                                              causal=True),
            "non-contiguous x": attn(strided, key_padding_mask=_lengths_mask([5, 3], 5))}


def _finite_judge(got, ref):
    msg = _close(got, ref)
    if msg and isinstance(got, dict):
        for key, pair in got.items():
            if isinstance(pair, tuple) and not all(
                    isinstance(t, torch.Tensor) and bool(torch.isfinite(t).all()) for t in pair):
                return f"{key}: the result has NaN or inf for large inputs"
    return msg


@probe(judge=_finite_judge)
def large_inputs(m):
    "inputs scaled by 30 (scores in the thousands), with and without the causal mask: finite"
    attn = _loaded(m, 8, 4, seed=12)
    x = 30 * _randn(2, 5, 8, seed=112)
    return {"no mask": attn(x), "causal": attn(x, causal=True)}
