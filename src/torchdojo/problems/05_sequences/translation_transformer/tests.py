"""Probes for translation_transformer. The statement fixes every name and shape, so the value
probes build a state_dict here (seeded, for the statement's keys), load it with strict=True and
compare what comes out with the reference's observation: the positional encoding, one attention
module, the logits (with padding, a non-default pad id, two layers), gradients and an SGD step,
the loss. Masks are checked by behaviour (future target tokens, extra source padding), greedy
decoding on a scripted stand-in model and on loaded weights, and a short seeded training run on
sequence reversal (from the probe's own initial weights) must reach a token accuracy."""

import ast
import math

import torch
from torch import nn

from torchdojo.probes import compare, parse_source, probe, source_probe

PAD, BOS, EOS = 0, 1, 2
TOL = {"rtol": 1e-4, "atol": 1e-5}


# --- the statement's layout, and seeded weights for it --------------------------------------

def _attn_spec(prefix: str, d: int) -> dict[str, tuple[int, ...]]:
    return {f"{prefix}.{n}_proj.{w}": (d, d) if w == "weight" else (d,)
            for n in ("q", "k", "v", "out") for w in ("weight", "bias")}


def _ff_norm_spec(prefix: str, d: int, ff: int, norms: int) -> dict[str, tuple[int, ...]]:
    spec = {f"{prefix}.ff1.weight": (ff, d), f"{prefix}.ff1.bias": (ff,),
            f"{prefix}.ff2.weight": (d, ff), f"{prefix}.ff2.bias": (d,)}
    for i in range(1, norms + 1):
        spec |= {f"{prefix}.norm{i}.weight": (d,), f"{prefix}.norm{i}.bias": (d,)}
    return spec


def _spec(vs: int, vt: int, d: int, layers: int, ff: int) -> dict[str, tuple[int, ...]]:
    spec = {"src_embed.weight": (vs, d), "tgt_embed.weight": (vt, d)}
    for i in range(layers):
        p = f"encoder_layers.{i}"
        spec |= _attn_spec(f"{p}.self_attn", d) | _ff_norm_spec(p, d, ff, 2)
    for i in range(layers):
        p = f"decoder_layers.{i}"
        spec |= (_attn_spec(f"{p}.self_attn", d) | _attn_spec(f"{p}.cross_attn", d)
                 | _ff_norm_spec(p, d, ff, 3))
    return spec | {"generator.weight": (vt, d), "generator.bias": (vt,)}


def _weights(spec: dict[str, tuple[int, ...]], seed: int, emb_std: float = 1.0) -> dict:
    """Embeddings N(0, emb_std^2), weights N(0, 1/fan_in), LayerNorm near (1, 0), small biases."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in spec.items():
        z = torch.randn(shape, generator=g)
        if "embed" in key:
            sd[key] = emb_std * z
        elif ".norm" in key:
            sd[key] = 1 + 0.1 * z if key.endswith("weight") else 0.1 * z
        elif key.endswith("bias"):
            sd[key] = 0.1 * z
        else:
            sd[key] = z / math.sqrt(shape[1])
    return sd


# TransformerMT(src_vocab, tgt_vocab, d_model, nhead, num_layers, dim_ff, max_len[, pad_id])
ARGS = (11, 13, 16, 2, 1, 32, 20)


def _loaded(m, args=ARGS, seed: int = 11, pad_id: int | None = None, emb_std: float = 1.0):
    model = m.TransformerMT(*args) if pad_id is None else m.TransformerMT(*args, pad_id=pad_id)
    vs, vt, d, _, layers, ff, _ = args
    model.load_state_dict(_weights(_spec(vs, vt, d, layers, ff), seed, emb_std), strict=True)
    return model


def _ids(g: torch.Generator, lengths: list[int], width: int, low: int, high: int,
         pad: int = PAD) -> torch.Tensor:
    """Rows of random ids in [low, high), right-padded with ``pad`` to ``width``."""
    x = torch.randint(low, high, (len(lengths), width), generator=g)
    keep = torch.arange(width) < torch.tensor(lengths)[:, None]
    return torch.where(keep, x, torch.full_like(x, pad))


def _tgt_in(g: torch.Generator, lengths: list[int], width: int, vocab: int) -> torch.Tensor:
    t = _ids(g, lengths, width, 3, vocab)
    t[:, 0] = BOS
    return t


def _grads(model: nn.Module) -> dict:
    return {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}


def _checks(messages: dict[str, str], tol: dict = TOL):
    """A judge comparing the observation's keys with the reference's, in order."""
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"expected a dict of observations, got {type(got).__name__}"
        for key, text in messages.items():
            msg = compare(got.get(key), ref[key], path=key, **tol)
            if msg:
                return f"{text}: {msg}"
        return None
    return judge


# --- the parts -------------------------------------------------------------------------------

def _pe_judge(got, ref):
    if got["state_dict_keys"] != []:
        return (f"PositionalEncoding's state_dict has {got['state_dict_keys']}: register pe as a "
                "non-persistent buffer (persistent=False), so checkpoints do not carry it")
    if got["buffers"] != ["pe"]:
        return f"PositionalEncoding should hold one buffer named 'pe', found {got['buffers']}"
    return _checks({"pe_shape": "the shape of pe",
                    "zeros_2x7x16": "PositionalEncoding(16, 20) applied to zeros (2, 7, 16)",
                    "x_3x5x16": "PositionalEncoding(16, 20) applied to a random (3, 5, 16)",
                    "zeros_1x4x6": "PositionalEncoding(6, 4) applied to zeros (1, 4, 6)"},
                   {"rtol": 1e-5, "atol": 1e-6})(got, ref)


@probe(public=True, judge=_pe_judge)
def positional_encoding(m):
    "PositionalEncoding: the sinusoid values, added along the sequence axis of (B, L, D); pe is a non-persistent buffer"
    pe = m.PositionalEncoding(16, 20)
    x = torch.randn(3, 5, 16, generator=torch.Generator().manual_seed(1))
    return {"state_dict_keys": sorted(pe.state_dict()),
            "buffers": sorted(n for n, _ in pe.named_buffers()),
            "pe_shape": tuple(pe.pe.shape) if isinstance(getattr(pe, "pe", None),
                                                          torch.Tensor) else None,
            "zeros_2x7x16": pe(torch.zeros(2, 7, 16)), "x_3x5x16": pe(x),
            "zeros_1x4x6": m.PositionalEncoding(6, 4)(torch.zeros(1, 4, 6))}


@probe(judge=_checks({"plain": "attention without masks",
                      "padding": "attention with a key_padding_mask",
                      "attn_mask": "attention with an attn_mask",
                      "both": "attention with both masks",
                      "grads": "the parameters' gradients (both masks)"}, {"rtol": 1e-5, "atol": 1e-5}))
def multi_head_attention(m):
    "MultiHeadAttention(16, 4) with loaded weights: cross-attention (2, 3) over (2, 5), with no mask, a key padding mask, an attn_mask, both"
    mha = m.MultiHeadAttention(16, 4)
    sd = {k[2:]: v for k, v in _weights(_attn_spec("a", 16), 2).items()}
    mha.load_state_dict(sd, strict=True)
    g = torch.Generator().manual_seed(3)
    q, kv = torch.randn(2, 3, 16, generator=g), torch.randn(2, 5, 16, generator=g)
    kpm = torch.tensor([[False, False, True, True, True], [False] * 5])  # row 0 shorter
    am = torch.ones(3, 5, dtype=torch.bool).triu(3)  # query i may not see keys > i + 2
    obs = {"plain": mha(q, kv, kv).detach(),
           "padding": mha(q, kv, kv, key_padding_mask=kpm).detach(),
           "attn_mask": mha(q, kv, kv, attn_mask=am).detach()}
    both = mha(q, kv, kv, key_padding_mask=kpm, attn_mask=am)
    (both * torch.randn(both.shape, generator=g)).sum().backward()
    return obs | {"both": both.detach(), "grads": _grads(mha)}


# --- the model -------------------------------------------------------------------------------

def _layout(model: nn.Module) -> dict:
    return {"state": sorted((k, tuple(v.shape)) for k, v in model.state_dict().items()),
            "count": sum(p.numel() for p in model.parameters())}


def _layout_judge(got, ref):
    for what in ref:
        want, have = dict(ref[what]["state"]), dict(got[what]["state"])
        missing, extra = sorted(set(want) - set(have)), sorted(set(have) - set(want))
        if missing or extra:
            return (f"{what}: the state_dict keys are not the statement's; missing {missing[:3]}, "
                    f"unexpected {extra[:3]}")
        for k, shape in want.items():
            if tuple(have[k]) != tuple(shape):
                return f"{what}: {k} has shape {tuple(have[k])}, expected {tuple(shape)}"
        if got[what]["count"] != ref[what]["count"]:
            return f"{what}: {got[what]['count']} parameters, expected {ref[what]['count']}"
    return None


@probe(public=True, judge=_layout_judge)
def state_dict_layout(m):
    "TransformerMT(11, 13, 16, 2, 1, 32, 20) and TransformerMT(7, 9, 8, 2, 2, 16, 10): state_dict keys, shapes, parameter count"
    return {"TransformerMT(11, 13, 16, 2, 1, 32, 20)": _layout(m.TransformerMT(*ARGS)),
            "TransformerMT(7, 9, 8, 2, 2, 16, 10)": _layout(m.TransformerMT(7, 9, 8, 2, 2, 16, 10))}


@probe(public=True, judge=_checks({"logits": "the logits", "grads": "the parameters' gradients",
                                   "after_step": "the parameters after one SGD step"}))
def logits_loaded(m):
    "loaded weights, 2 layers, source lengths [4, 6, 2] right-padded: logits (B, T, tgt_vocab), gradients, one SGD(lr=0.1) step"
    args = (11, 13, 16, 2, 2, 32, 20)
    model = _loaded(m, args, seed=12)
    g = torch.Generator().manual_seed(13)
    src = _ids(g, [4, 6, 2], 6, 3, 11)
    tgt_in = _tgt_in(g, [5, 3, 4], 5, 13)
    logits = model(src, tgt_in)
    (logits * torch.randn(logits.shape, generator=g)).sum().backward()
    obs = {"logits": logits.detach(), "grads": _grads(model)}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return obs | {"after_step": {n: p.detach().clone() for n, p in model.named_parameters()}}


@probe(judge=_checks({"logits": "TransformerMT(..., pad_id=12): the logits",
                      "loss": "translation_loss(..., pad_id=12)"}))
def other_pad_id(m):
    "a model built with pad_id=12 and sources padded with 12: logits, and translation_loss with pad_id=12"
    args = (13, 13, 16, 2, 1, 32, 20)
    model = _loaded(m, args, seed=14, pad_id=12)
    g = torch.Generator().manual_seed(15)
    src = _ids(g, [2, 5, 3], 5, 3, 12, pad=12)
    tgt = _ids(g, [4, 6, 3], 6, 3, 12, pad=12)
    tgt[:, 0] = BOS
    tgt[torch.arange(3), torch.tensor([3, 5, 2])] = EOS
    with torch.no_grad():
        logits = model(src, tgt[:, :-1])
        loss = m.translation_loss(model, src, tgt, pad_id=12)
    return {"logits": logits, "loss": loss}


def _causal_judge(got, ref):
    a, b = got.get("a"), got.get("b")
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and a.dim() == 3 and not torch.allclose(a[:, :3], b[:, :3], atol=1e-5, rtol=0):
        return ("changing the target tokens at positions >= 3 changed the logits at positions "
                "0-2: the decoder's self-attention must not see later positions")
    return _checks({"a": "the logits", "b": "the logits after changing later target tokens"})(
        got, ref)


@probe(judge=_causal_judge)
def causal_target(m):
    "the logits at positions 0-2 do not change when the target tokens at positions 3-5 change"
    model = _loaded(m, seed=16)
    g = torch.Generator().manual_seed(17)
    src = _ids(g, [3, 5], 5, 3, 11)
    a = _tgt_in(g, [6, 6], 6, 13)
    b = a.clone()
    b[:, 3:] = torch.randint(3, 13, (2, 3), generator=g)
    with torch.no_grad():
        return {"a": model(src, a), "b": model(src, b)}


def _padding_judge(got, ref):
    short, long_ = got.get("short"), got.get("long")
    if isinstance(short, torch.Tensor) and isinstance(long_, torch.Tensor) \
            and short.shape == long_.shape and not torch.allclose(short, long_, atol=1e-5, rtol=0):
        return ("appending padding to the source changed the logits: the encoder and the "
                "cross-attention must ignore padded source positions")
    return _checks({"short": "the logits (source padded to 5)",
                    "long": "the logits (source padded to 9)"})(got, ref)


@probe(judge=_padding_judge)
def source_padding(m):
    "extra right padding of the source (lengths [2, 5, 4], padded to 5 and to 9) changes no logits"
    model = _loaded(m, seed=18)
    g = torch.Generator().manual_seed(19)
    src = _ids(g, [2, 5, 4], 5, 3, 11)
    src_long = torch.cat([src, torch.full((3, 4), PAD)], dim=1)
    tgt_in = _tgt_in(g, [4, 4, 4], 4, 13)
    with torch.no_grad():
        return {"short": model(src, tgt_in), "long": model(src_long, tgt_in)}


@probe(**TOL)
def batch_of_one(m):
    "batch 1 with a source and a target of length 1: logits of shape (1, 1, tgt_vocab)"
    model = _loaded(m, seed=20)
    with torch.no_grad():
        return model(torch.tensor([[7]]), torch.tensor([[BOS]]))


@probe(judge=_checks({"loss": "translation_loss", "grads": "the gradients of translation_loss"}))
def loss_loaded(m):
    "translation_loss with loaded weights: teacher forcing on the shifted target, padding ignored; its gradients"
    model = _loaded(m, seed=21)
    g = torch.Generator().manual_seed(22)
    src = _ids(g, [3, 4, 1], 4, 3, 11)
    tgt = _ids(g, [5, 6, 3], 6, 3, 13)
    tgt[:, 0] = BOS
    tgt[torch.arange(3), torch.tensor([4, 5, 2])] = EOS
    loss = m.translation_loss(model, src, tgt)
    loss.backward()
    return {"loss": loss.detach(), "grads": _grads(model)}


# --- greedy decoding -------------------------------------------------------------------------

class _Scripted(nn.Module):
    """A stand-in model: for the row whose src[:, 0] is 3 + r, the logits after t target tokens
    put their maximum on SCRIPT[r][t - 1]. It answers any subset of rows, in any order."""

    def __init__(self, script: list[list[int]], vocab: int = 12) -> None:
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(()))
        self.script, self.vocab = script, vocab

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        b, t = tgt_in.shape
        logits = torch.zeros(b, t, self.vocab)
        for i, r in enumerate((src[:, 0] - 3).tolist()):
            for j in range(t):
                logits[i, j, self.script[r][min(j, len(self.script[r]) - 1)]] = 5.0
        return logits + 0 * self.dummy


def _decoded_msg(x) -> str | None:
    if type(x) is not list or not all(type(r) is list and all(type(t) is int for t in r)
                                      for r in x):
        return f"greedy_decode must return a list of lists of Python ints, got {type(x).__name__}"
    return None


def _decode_judge(got, ref):
    for key in ref:
        msg = _decoded_msg(got.get(key))
        if msg:
            return msg
        if got[key] != ref[key]:
            return f"{key}: expected {ref[key]}, got {got[key]}"
    return None


@probe(public=True, judge=_decode_judge)
def greedy_scripted(m):
    "greedy_decode on a scripted stand-in model: each sequence stops at its own EOS, at most max_len tokens, no BOS/EOS in the result"
    script = [[5, 6, 2, 7, 8, 9, 4], [2, 5, 5, 5, 5, 5, 5], [4, 4, 4, 4, 4, 4, 4],
              [7, 8, 9, 2, 2, 5, 6], [10, 3, 11, 9, 3, 2, 6]]
    model = _Scripted(script)
    src = torch.tensor([[3 + r, 5, 6] for r in (0, 1, 2, 3)])  # rows 0..3 of the script
    other = torch.tensor([[3 + r, 5] for r in (3, 4, 2)])
    return {"max_len=5, bos=1, eos=2": m.greedy_decode(model, src, 5, BOS, EOS),
            "max_len=2, bos=1, eos=2": m.greedy_decode(model, src, 2, BOS, EOS),
            "max_len=6, bos=11, eos=3": m.greedy_decode(model, other, 6, 11, 3)}


@probe(judge=_decode_judge)
def greedy_loaded(m):
    "greedy_decode with loaded weights (EOS made likely): the token lists equal the reference's"
    model = _loaded(m, seed=26)
    with torch.no_grad():
        model.generator.bias[EOS] += 0.5
    src = _ids(torch.Generator().manual_seed(24), [4, 2, 5, 3, 5, 1], 5, 3, 11)
    return {"max_len=7": m.greedy_decode(model, src, 7, BOS, EOS)}


# --- a short training run --------------------------------------------------------------------

ND, VOCAB = 6, 9  # digits 3..8


def _reversal(n: int, g: torch.Generator, hi: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """Sources of 1..hi digits (right-padded) and targets [BOS, reversed digits, EOS, PAD...]."""
    lengths = torch.randint(1, hi + 1, (n,), generator=g)
    x = torch.randint(3, VOCAB, (n, hi), generator=g)
    pos = torch.arange(hi)
    real = pos < lengths[:, None]
    src = torch.where(real, x, PAD)
    rev = x.gather(1, (lengths[:, None] - 1 - pos).clamp(min=0))
    tgt = torch.full((n, hi + 2), PAD)
    tgt[:, 0] = BOS
    tgt[:, 1:hi + 1] = torch.where(real, rev, PAD)
    tgt[torch.arange(n), lengths + 1] = EOS
    return src, tgt


def _train_judge(got, ref):
    acc = got.get("token_accuracy")
    if type(acc) is not float:
        return f"could not measure the accuracy (got {type(acc).__name__})"
    if not got.get("finite"):
        return "the training loss became NaN or infinite"
    if acc < 0.85:
        return (f"after 60 Adam steps on reversal the greedy token accuracy is {acc:.1%}, below "
                f"85% (the reference reaches {ref['token_accuracy']:.1%}); last loss "
                f"{got['loss']:.3f}")
    return None


@probe(judge=_train_judge)
def learns_reversal(m):
    "60 Adam steps from seeded weights, translation_loss on reversing 1-4 digits, then greedy_decode: token accuracy >= 85%"
    torch.manual_seed(0)
    model = _loaded(m, (VOCAB, VOCAB, 32, 4, 1, 64, 16), seed=5, emb_std=0.3)
    g = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss = torch.tensor(float("nan"))
    for _ in range(60):
        src, tgt = _reversal(64, g)
        loss = m.translation_loss(model, src, tgt)
        opt.zero_grad()
        loss.backward()
        opt.step()
    src, tgt = _reversal(200, g)
    out = m.greedy_decode(model, src, 6, BOS, EOS)
    want = [[t for t in row[1:] if t not in (PAD, EOS)] for row in tgt.tolist()]
    if _decoded_msg(out):
        return {"token_accuracy": None, "finite": True, "loss": float(loss)}
    hits = sum(sum(a == b for a, b in zip(o, w, strict=False)) for o, w in zip(out, want, strict=True))
    return {"token_accuracy": hits / sum(len(w) for w in want),
            "finite": bool(torch.isfinite(loss).item()), "loss": float(loss.item())}


# --- written by hand -------------------------------------------------------------------------

_BUILT_INS = {"MultiheadAttention", "scaled_dot_product_attention", "multi_head_attention_forward",
              "Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
              "TransformerDecoderLayer"}


@source_probe
def attention_by_hand(source):
    "the attention is written by hand: no nn.MultiheadAttention, nn.Transformer* or F.scaled_dot_product_attention"
    tree, why = parse_source(source)
    if tree is None:
        return why
    for node in ast.walk(tree):
        name = (node.attr if isinstance(node, ast.Attribute)
                else node.name.rsplit(".", 1)[-1] if isinstance(node, ast.alias) else None)
        if name in _BUILT_INS:
            return (f"found '{name}' at line {getattr(node, 'lineno', '?')}: "
                    "write the attention and the layers yourself")
    return None
