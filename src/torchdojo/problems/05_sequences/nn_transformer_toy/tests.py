"""Probes for nn_transformer_toy. make_masks is compared value for value (dtype, shape, 0/-inf,
the causal mask's size); the model's layout is nn.Transformer's plus the statement's
embeddings and generator, so the value probes build a state_dict here for those keys (the
nn.Transformer part read from one built on the meta device), load it strictly and compare
logits, gradients and an SGD step with the reference's. The masks are also checked by
behaviour (future target tokens, extra source padding), and a short seeded training run from
the probe's own weights must learn a toy lexicon translation."""

import math

import torch
from torch import nn

from torchdojo.probes import compare, probe

PAD, BOS, EOS = 0, 1, 2
TOL = {"rtol": 1e-4, "atol": 1e-5}


def _spec(vs: int, vt: int, d: int, nhead: int, n_enc: int, n_dec: int, ff: int,
          max_len: int) -> dict[str, tuple[int, ...]]:
    """The statement's keys: embeddings, nn.Transformer's own (read on the meta device), generator."""
    with torch.device("meta"):
        core = nn.Transformer(d_model=d, nhead=nhead, num_encoder_layers=n_enc,
                              num_decoder_layers=n_dec, dim_feedforward=ff, dropout=0.0,
                              batch_first=True)
    spec = {"src_embed.weight": (vs, d), "tgt_embed.weight": (vt, d), "pos.weight": (max_len, d)}
    spec |= {f"transformer.{k}": tuple(v.shape) for k, v in core.state_dict().items()}
    return spec | {"generator.weight": (vt, d), "generator.bias": (vt,)}


def _weights(spec: dict[str, tuple[int, ...]], seed: int) -> dict:
    """Embeddings N(0, 1), weights N(0, 1/fan_in), LayerNorm near (1, 0), small biases."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in spec.items():
        z = torch.randn(shape, generator=g)
        if "embed" in key or key.startswith("pos."):
            sd[key] = z
        elif "norm" in key:
            sd[key] = 1 + 0.1 * z if key.endswith("weight") else 0.1 * z
        elif len(shape) == 1:
            sd[key] = 0.1 * z
        else:
            sd[key] = z / math.sqrt(shape[1])
    return sd


# Seq2SeqTransformer(src_vocab, tgt_vocab, d_model, nhead, num_encoder_layers,
#                    num_decoder_layers, dim_feedforward, max_len[, pad_id])
ARGS = (11, 13, 16, 2, 1, 1, 32, 20)


def _loaded(m, args=ARGS, seed: int = 11, pad_id: int | None = None) -> nn.Module:
    model = (m.Seq2SeqTransformer(*args) if pad_id is None
             else m.Seq2SeqTransformer(*args, pad_id=pad_id))
    model.load_state_dict(_weights(_spec(*args), seed), strict=True)
    return model


def _ids(g: torch.Generator, lengths: list[int], width: int, low: int, high: int,
         pad: int = PAD) -> torch.Tensor:
    """Rows of random ids in [low, high), right-padded with ``pad`` to ``width``."""
    x = torch.randint(low, high, (len(lengths), width), generator=g)
    keep = torch.arange(width) < torch.tensor(lengths)[:, None]
    return torch.where(keep, x, torch.full_like(x, pad))


def _tgt_in(g: torch.Generator, lengths: list[int], width: int, vocab: int,
            pad: int = PAD) -> torch.Tensor:
    t = _ids(g, lengths, width, 3, vocab, pad)
    t[:, 0] = BOS
    return t


def _grads(model: nn.Module) -> dict:
    return {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}


def _checks(messages: dict[str, str], tol: dict = TOL):
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"expected a dict of observations, got {type(got).__name__}"
        for key, text in messages.items():
            msg = compare(got.get(key), ref[key], path=key, **tol)
            if msg:
                return f"{text}: {msg}"
        return None
    return judge


# --- make_masks ------------------------------------------------------------------------------

_MASKS = ("tgt_mask", "src_key_padding_mask", "tgt_key_padding_mask", "memory_key_padding_mask")


def _masks_judge(got, ref):
    for case in ref:
        masks = got.get(case)
        if type(masks) is not tuple or len(masks) != 4:
            return (f"{case}: make_masks must return a tuple of 4 tensors, got "
                    f"{type(masks).__name__}" + (f" of length {len(masks)}"
                                                  if isinstance(masks, tuple | list) else ""))
        for name, have, want in zip(_MASKS, masks, ref[case], strict=True):
            if not isinstance(have, torch.Tensor):
                return f"{case}: {name} should be a tensor, got {type(have).__name__}"
            if have.dtype != want.dtype:
                return (f"{case}: {name} has dtype {have.dtype}, expected {want.dtype} (float "
                        "masks: 0 where attention is allowed, -inf where it is not)")
            msg = compare(have, want, rtol=0, atol=0)
            if msg:
                return f"{case}: {name}: {msg}"
    return None


@probe(public=True, judge=_masks_judge)
def masks_values(m):
    "make_masks: the four masks' dtype, shape and 0/-inf values (S != T, source lengths [3, 5, 2], target padding, pad=7, batch 1)"
    g = torch.Generator().manual_seed(1)
    src = _ids(g, [3, 5, 2], 5, 3, 11)
    tgt_in = _tgt_in(g, [4, 2, 3], 4, 11)
    src7 = _ids(g, [2, 4], 6, 8, 11, pad=7)
    tgt7 = _tgt_in(g, [3, 1], 3, 11, pad=7)
    return {"pad=0, S=5, T=4": m.make_masks(src, tgt_in, 0),
            "pad=7, S=6, T=3": m.make_masks(src7, tgt7, 7),
            "batch 1, S=1, T=1": m.make_masks(torch.tensor([[5]]), torch.tensor([[BOS]]), 0)}


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
    "Seq2SeqTransformer(11, 13, 16, 2, 1, 1, 32, 20) and (7, 9, 8, 2, 2, 1, 16, 10): state_dict keys, shapes, parameter count"
    return {"Seq2SeqTransformer(11, 13, 16, 2, 1, 1, 32, 20)": _layout(m.Seq2SeqTransformer(*ARGS)),
            "Seq2SeqTransformer(7, 9, 8, 2, 2, 1, 16, 10)":
                _layout(m.Seq2SeqTransformer(7, 9, 8, 2, 2, 1, 16, 10))}


@probe(public=True, judge=_checks({"logits": "the logits", "grads": "the parameters' gradients",
                                   "after_step": "the parameters after one SGD step"}))
def logits_loaded(m):
    "loaded weights, 2 encoder layers, source lengths [4, 6, 2] and target lengths [5, 3, 4], right-padded: logits, gradients, one SGD(lr=0.1) step"
    args = (11, 13, 16, 2, 2, 1, 32, 20)
    model = _loaded(m, args, seed=12)
    g = torch.Generator().manual_seed(13)
    src = _ids(g, [4, 6, 2], 6, 3, 11)
    tgt_in = _tgt_in(g, [5, 3, 4], 5, 13)
    logits = model(src, tgt_in)
    (logits * torch.randn(logits.shape, generator=g)).sum().backward()
    obs = {"logits": logits.detach(), "grads": _grads(model)}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return obs | {"after_step": {n: p.detach().clone() for n, p in model.named_parameters()}}


@probe(**TOL)
def other_pad_id(m):
    "a model built with pad_id=12, sources and targets padded with 12: the logits"
    args = (13, 13, 16, 2, 1, 1, 32, 20)
    model = _loaded(m, args, seed=14, pad_id=12)
    g = torch.Generator().manual_seed(15)
    src = _ids(g, [2, 5, 3], 5, 3, 12, pad=12)
    tgt_in = _tgt_in(g, [4, 2, 3], 4, 12, pad=12)
    return model(src, tgt_in).detach()


def _causal_judge(got, ref):
    a, b = got.get("a"), got.get("b")
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and a.dim() == 3 and not torch.allclose(a[:, :3], b[:, :3], atol=1e-5, rtol=0):
        return ("changing the target tokens at positions >= 3 changed the logits at positions "
                "0-2: the decoder's self-attention needs the causal tgt_mask")
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
    return {"a": model(src, a).detach(), "b": model(src, b).detach()}


def _padding_judge(got, ref):
    short, long_ = got.get("short"), got.get("long")
    if isinstance(short, torch.Tensor) and isinstance(long_, torch.Tensor) \
            and short.shape == long_.shape and not torch.allclose(short, long_, atol=1e-5, rtol=0):
        return ("appending padding to the source changed the logits: the encoder and the "
                "cross-attention must both ignore padded source positions")
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
    return {"short": model(src, tgt_in).detach(), "long": model(src_long, tgt_in).detach()}


@probe(**TOL)
def batch_of_one(m):
    "batch 1 with a source and a target of length 1: logits of shape (1, 1, tgt_vocab)"
    model = _loaded(m, seed=20)
    return model(torch.tensor([[7]]), torch.tensor([[BOS]])).detach()


# --- a short training run --------------------------------------------------------------------

SRC_V, TGT_V = 9, 11  # source digits 3..8; target words 3..10
LEXICON = torch.tensor([7, 4, 9, 3, 10, 6])  # digit k (id 3 + k) -> word LEXICON[k]


def _pairs(n: int, g: torch.Generator, hi: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """Sources of 1..hi digits and targets [BOS, word per digit, EOS, PAD...]."""
    lengths = torch.randint(1, hi + 1, (n,), generator=g)
    x = torch.randint(3, SRC_V, (n, hi), generator=g)
    real = torch.arange(hi) < lengths[:, None]
    src = torch.where(real, x, PAD)
    tgt = torch.full((n, hi + 2), PAD)
    tgt[:, 0] = BOS
    tgt[:, 1:hi + 1] = torch.where(real, LEXICON[x - 3], PAD)
    tgt[torch.arange(n), lengths + 1] = EOS
    return src, tgt


def _train_judge(got, ref):
    acc = got.get("token_accuracy")
    if type(acc) is not float:
        return f"could not measure the accuracy (got {type(acc).__name__})"
    if not got.get("finite"):
        return "the training loss became NaN or infinite"
    if acc < 0.85:
        return (f"after 40 Adam steps the greedy token accuracy is {acc:.1%}, below 85% (the "
                f"reference reaches {ref['token_accuracy']:.1%}); last loss {got['loss']:.3f}")
    return None


@probe(judge=_train_judge)
def learns_lexicon(m):
    "40 Adam steps from seeded weights on translating 1-4 digits word by word (separate vocabularies), then greedy decoding: token accuracy >= 85%"
    torch.manual_seed(0)
    args = (SRC_V, TGT_V, 32, 4, 1, 1, 64, 16)
    model = _loaded(m, args, seed=5)
    g = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss = torch.tensor(float("nan"))
    for _ in range(40):
        src, tgt = _pairs(64, g)
        logits = model(src, tgt[:, :-1])  # teacher forcing: read BOS y1.., predict y1.. EOS
        loss = nn.functional.cross_entropy(logits.reshape(-1, TGT_V), tgt[:, 1:].reshape(-1),
                                           ignore_index=PAD)
        opt.zero_grad()
        loss.backward()
        opt.step()
    src, tgt = _pairs(200, g)
    ys = torch.full((200, 1), BOS)
    with torch.no_grad():
        for _ in range(5):
            ys = torch.cat([ys, model(src, ys)[:, -1].argmax(-1, keepdim=True)], dim=1)
    hits = total = 0
    for out, want in zip(ys[:, 1:].tolist(), tgt[:, 1:].tolist(), strict=True):
        want = [t for t in want if t not in (PAD, EOS)]
        out = out[:out.index(EOS)] if EOS in out else out
        hits += sum(a == b for a, b in zip(out, want, strict=False))
        total += len(want)
    return {"token_accuracy": hits / total, "finite": bool(torch.isfinite(loss).item()),
            "loss": float(loss.item())}
