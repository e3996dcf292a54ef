"""Probes for mini_bert. mlm_mask is deterministic under a generator (the statement fixes the
three draws), so its outputs are compared exactly with the reference's; the judges first check
the properties themselves (selection rate, 80/10/10 split, labels -100 off the selection,
special tokens untouched, replacements never special, input unchanged) to say what is wrong.
MiniBert's layout is fixed, so the value probes load a state_dict made here and compare the MLM
and [CLS] logits, gradients (the tied embedding gets both) and an SGD step; segment embeddings,
padding invariance and batch independence are checked by behaviour."""

import math

import torch
from torch import nn

from torchdojo.probes import compare, probe

PAD, CLS, SEP, MASK = 0, 1, 2, 3
NUM_SPECIAL = 4
TOL = {"rtol": 1e-4, "atol": 1e-5}


def _sentences(g: torch.Generator, rows: int, width: int, vocab: int,
               min_len: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """[CLS] a.. [SEP] b.. [SEP] [PAD].. rows of varied lengths, and their segment ids."""
    tokens = torch.full((rows, width), PAD)
    segments = torch.zeros(rows, width, dtype=torch.long)
    for r in range(rows):
        n = int(torch.randint(min_len, width + 1, (1,), generator=g))
        cut = int(torch.randint(1, n - 2, (1,), generator=g)) if n > 3 else 1
        tokens[r, :n] = torch.randint(NUM_SPECIAL, vocab, (n,), generator=g)
        tokens[r, 0] = CLS
        tokens[r, cut] = SEP
        tokens[r, n - 1] = SEP
        segments[r, cut + 1:n] = 1
    return tokens, segments


def _pair_msg(x) -> str | None:
    if type(x) is not tuple or len(x) != 2 or not all(isinstance(t, torch.Tensor) for t in x):
        return f"mlm_mask must return a tuple (inputs, labels) of two tensors, got {type(x).__name__}"
    for name, t in zip(("inputs", "labels"), x, strict=True):
        if t.dtype != torch.int64:
            return f"{name} should be int64 (long), got {t.dtype}"
    return None


def _properties(tokens, special, inputs, labels, vocab: int) -> str | None:
    """What the statement promises about one (inputs, labels) pair, or the first broken rule."""
    if inputs.shape != tokens.shape or labels.shape != tokens.shape:
        return f"inputs and labels should have the tokens' shape {tuple(tokens.shape)}"
    selected = labels != -100
    if bool((selected & special).any()):
        return ("a label is set at a special token ([CLS]/[SEP]/[PAD]): labels must be -100 there "
                "and at every token that was not selected")
    if not torch.equal(labels[selected], tokens[selected]):
        return "at a selected position the label must be the original token"
    if not torch.equal(inputs[~selected], tokens[~selected]):
        return ("a token that was not selected was changed: only the selected tokens get the "
                "80/10/10 treatment")
    replaced = selected & (inputs != MASK) & (inputs != tokens)
    if bool((inputs[replaced] < NUM_SPECIAL).any()) or bool((inputs >= vocab).any()):
        return "a random replacement is a special id or outside the vocabulary"
    return None


def _stats_msg(tokens, special, inputs, labels, p: float, vocab: int) -> str | None:
    selected = labels != -100
    n_ordinary = int((~special).sum())
    n_sel = int(selected.sum())
    rate = n_sel / max(n_ordinary, 1)
    if abs(rate - p) > 0.03:
        return f"{rate:.1%} of the ordinary tokens were selected, expected about {p:.0%}"
    masked = float((inputs[selected] == MASK).float().mean()) if n_sel else 0.0
    kept = float((inputs[selected] == tokens[selected]).float().mean()) if n_sel else 0.0
    if abs(masked - 0.8) > 0.03:
        return f"{masked:.1%} of the selected tokens became [MASK], expected about 80%"
    want_kept = 0.1 + 0.1 / (vocab - NUM_SPECIAL)  # kept, or replaced by the same token
    if abs(kept - want_kept) > 0.03:
        return (f"{kept:.1%} of the selected tokens are unchanged, expected about "
                f"{want_kept:.1%} (10% kept, and a random replacement can pick the same token)")
    return None


def _mlm_judge(stats_p: float | None = None):
    def judge(got, ref):
        for case, r in ref.items():
            g = got.get(case) if isinstance(got, dict) else None
            if not isinstance(g, dict):
                return f"{case}: could not read the observation"
            msg = _pair_msg(g.get("out"))
            if msg:
                return f"{case}: {msg}"
            tokens, special = r["tokens"], r["special"]
            inputs, labels = g["out"]
            msg = _properties(tokens, special, inputs, labels, r["vocab"])
            if msg is None and stats_p is not None:
                msg = _stats_msg(tokens, special, inputs, labels, stats_p, r["vocab"])
            if msg is None and g.get("unchanged") is not True:
                msg = "mlm_mask modified its tokens argument in place"
            if msg is None:
                msg = compare(g["out"], r["out"], rtol=0, atol=0)
                if msg:
                    msg = ("the values differ from the reference's under the same generator "
                           f"(check the order of the three draws): {msg}")
            if msg:
                return f"{case}: {msg}"
        return None
    return judge


def _run_mlm(m, tokens, vocab: int, p: float, seed: int | None) -> dict:
    special = tokens < NUM_SPECIAL
    before = tokens.clone()
    gen = None if seed is None else torch.Generator().manual_seed(seed)
    out = m.mlm_mask(tokens, special, MASK, vocab, p=p, generator=gen)
    return {"out": out, "tokens": before, "special": special, "vocab": vocab,
            "unchanged": bool(torch.equal(tokens, before))}


@probe(public=True, judge=_mlm_judge())
def mlm_exact(m):
    "mlm_mask under a seeded generator: (inputs, labels) equal the reference's, p=0.15 and p=0.5, specials untouched"
    g = torch.Generator().manual_seed(1)
    small, _ = _sentences(g, 4, 12, 30)
    wide, _ = _sentences(g, 3, 20, 50, min_len=12)
    return {"4x12, vocab 30, p=0.15": _run_mlm(m, small, 30, 0.15, seed=5),
            "3x20, vocab 50, p=0.5": _run_mlm(m, wide, 50, 0.5, seed=6)}


@probe(judge=_mlm_judge(stats_p=0.3))
def mlm_statistics(m):
    "mlm_mask on 64x128 tokens with p=0.3: about 30% of the ordinary tokens selected, 80% / 10% / 10% of them masked / replaced / kept"
    tokens, _ = _sentences(torch.Generator().manual_seed(2), 64, 128, 60, min_len=64)
    return {"64x128, vocab 60, p=0.3": _run_mlm(m, tokens, 60, 0.3, seed=7)}


@probe(judge=_mlm_judge(stats_p=0.95))
def mlm_specials(m):
    "mlm_mask with p=0.95 on short rows full of [CLS]/[SEP]/[PAD]: those never selected, replacements never special"
    tokens, _ = _sentences(torch.Generator().manual_seed(3), 200, 10, 8)
    return {"200x10, vocab 8, p=0.95": _run_mlm(m, tokens, 8, 0.95, seed=8)}


@probe(judge=_mlm_judge())
def mlm_global_rng(m):
    "mlm_mask without a generator draws from the global RNG (seeded by the test), the same three draws"
    torch.manual_seed(123)
    tokens, _ = _sentences(torch.Generator().manual_seed(4), 5, 16, 40)
    return {"5x16, vocab 40, p=0.4, generator=None": _run_mlm(m, tokens, 40, 0.4, seed=None)}


# --- MiniBert --------------------------------------------------------------------------------

def _spec(vocab: int, d: int, layers: int, ff: int, max_len: int,
          labels: int) -> dict[str, tuple[int, ...]]:
    spec = {"tok_embed.weight": (vocab, d), "pos_embed.weight": (max_len, d),
            "seg_embed.weight": (2, d), "embed_norm.weight": (d,), "embed_norm.bias": (d,)}
    for i in range(layers):
        p = f"encoder.layers.{i}"
        spec |= {f"{p}.self_attn.in_proj_weight": (3 * d, d), f"{p}.self_attn.in_proj_bias": (3 * d,),
                 f"{p}.self_attn.out_proj.weight": (d, d), f"{p}.self_attn.out_proj.bias": (d,),
                 f"{p}.linear1.weight": (ff, d), f"{p}.linear1.bias": (ff,),
                 f"{p}.linear2.weight": (d, ff), f"{p}.linear2.bias": (d,),
                 f"{p}.norm1.weight": (d,), f"{p}.norm1.bias": (d,),
                 f"{p}.norm2.weight": (d,), f"{p}.norm2.bias": (d,)}
    return spec | {"mlm_dense.weight": (d, d), "mlm_dense.bias": (d,), "mlm_norm.weight": (d,),
                   "mlm_norm.bias": (d,), "mlm_bias": (vocab,), "pooler.weight": (d, d),
                   "pooler.bias": (d,), "classifier.weight": (labels, d),
                   "classifier.bias": (labels,)}


def _weights(spec: dict[str, tuple[int, ...]], seed: int) -> dict:
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in spec.items():
        z = torch.randn(shape, generator=g)
        if "embed." in key or key.startswith(("tok_", "pos_", "seg_")):
            sd[key] = z
        elif "norm" in key:
            sd[key] = 1 + 0.1 * z if key.endswith("weight") else 0.1 * z
        elif len(shape) == 1:
            sd[key] = 0.1 * z
        else:
            sd[key] = z / math.sqrt(shape[1])
    return sd


# MiniBert(vocab_size, d_model, nhead, num_layers, dim_ff, max_len, num_labels)
ARGS = (30, 16, 2, 2, 32, 20, 3)


def _loaded(m, seed: int, args=ARGS) -> nn.Module:
    model = m.MiniBert(*args)
    vocab, d, _, layers, ff, max_len, labels = args
    model.load_state_dict(_weights(_spec(vocab, d, layers, ff, max_len, labels), seed),
                          strict=True)
    return model


def _batch(seed: int, rows: int = 3, width: int = 7, vocab: int = 30):
    tokens, segments = _sentences(torch.Generator().manual_seed(seed), rows, width, vocab)
    return tokens, (tokens != PAD).long(), segments


def _outputs_msg(x) -> str | None:
    if type(x) is not tuple or len(x) != 2 or not all(isinstance(t, torch.Tensor) for t in x):
        return ("MiniBert.forward must return a tuple (mlm_logits, cls_logits), got "
                f"{type(x).__name__}")
    return None


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


def _layout(model: nn.Module) -> dict:
    return {"state": sorted((k, tuple(v.shape)) for k, v in model.state_dict().items()),
            "count": sum(p.numel() for p in model.parameters())}


@probe(public=True, judge=_layout_judge)
def state_dict_layout(m):
    "MiniBert(30, 16, 2, 2, 32, 20, 3) and MiniBert(50, 8, 2, 1, 16, 12, 2): state_dict keys, shapes, parameter count (the MLM head is tied)"
    return {"MiniBert(30, 16, 2, 2, 32, 20, 3)": _layout(m.MiniBert(*ARGS)),
            "MiniBert(50, 8, 2, 1, 16, 12, 2)": _layout(m.MiniBert(50, 8, 2, 1, 16, 12, 2))}


def _loaded_judge(got, ref):
    msg = _outputs_msg(got.get("out"))
    if msg:
        return msg
    for key, text in (("out", "the (mlm_logits, cls_logits)"),
                      ("grads", "the parameters' gradients (tok_embed gets both uses)"),
                      ("after_step", "the parameters after one SGD step")):
        msg = compare(got.get(key), ref[key], path=key, **TOL)
        if msg:
            return f"{text}: {msg}"
    return None


@probe(public=True, judge=_loaded_judge)
def logits_loaded(m):
    "loaded weights, two segments, padding: MLM logits (B, L, V) and [CLS] logits (B, num_labels), gradients, one SGD(lr=0.1) step"
    model = _loaded(m, seed=11)
    ids, mask, seg = _batch(12)
    mlm, cls = model(ids, attention_mask=mask, token_type_ids=seg)
    g = torch.Generator().manual_seed(13)
    ((mlm * torch.randn(mlm.shape, generator=g)).sum()
     + (cls * torch.randn(cls.shape, generator=g)).sum()).backward()
    obs = {"out": (mlm.detach(), cls.detach()),
           "grads": {n: None if p.grad is None else p.grad.clone()
                     for n, p in model.named_parameters()}}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return obs | {"after_step": {n: p.detach().clone() for n, p in model.named_parameters()}}


def _segments_judge(got, ref):
    for key in ("zeros", "split", "none", "no_mask"):
        msg = _outputs_msg(got.get(key))
        if msg:
            return msg
    if compare(got["none"], got["zeros"], **TOL):
        return "token_type_ids=None should mean all zeros (sentence A everywhere)"
    if compare(got["no_mask"], got["ones_mask"], **TOL):
        return "attention_mask=None should mean every token is real"
    if not compare(got["split"][0], got["zeros"][0], **TOL):
        return "changing token_type_ids did not change the output: add the segment embeddings"
    for key in ("zeros", "split"):
        msg = compare(got[key], ref[key], **TOL)
        if msg:
            return f"token_type_ids {key}: {msg}"
    return None


@probe(judge=_segments_judge)
def segments_matter(m):
    "the segment embedding changes the output; token_type_ids=None means zeros, attention_mask=None means all real"
    model = _loaded(m, seed=14)
    ids = torch.tensor([[CLS, 7, 8, 9, SEP, 10, 11, SEP], [CLS, 12, SEP, 13, 14, 15, 16, SEP]])
    seg = torch.tensor([[0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1, 1]])
    ones = torch.ones_like(ids)
    with torch.no_grad():
        return {"zeros": model(ids, ones, torch.zeros_like(ids)), "split": model(ids, ones, seg),
                "none": model(ids, ones), "no_mask": model(ids, None, seg),
                "ones_mask": model(ids, ones, seg)}


def _padding_judge(got, ref):
    for key in ("short", "long"):
        msg = _outputs_msg(got.get(key))
        if msg:
            return msg
    (mlm_s, cls_s), (mlm_l, cls_l) = got["short"], got["long"]
    n = mlm_s.shape[1]
    if mlm_l.dim() != 3 or compare(mlm_l[:, :n], mlm_s, **TOL) or compare(cls_l, cls_s, **TOL):
        return ("appending padding (attention_mask 0) changed the outputs at the real "
                "positions: the encoder must ignore padded tokens (src_key_padding_mask)")
    return compare(got["short"], ref["short"], **TOL)


@probe(judge=_padding_judge)
def padding_invariance(m):
    "appending [PAD] tokens with attention_mask 0 changes neither the real positions' MLM logits nor the [CLS] logits"
    model = _loaded(m, seed=15)
    ids, mask, seg = _batch(16, rows=3, width=6)
    ids_l = torch.cat([ids, torch.full((3, 4), PAD)], dim=1)
    mask_l = torch.cat([mask, torch.zeros(3, 4, dtype=torch.long)], dim=1)
    seg_l = torch.cat([seg, torch.zeros(3, 4, dtype=torch.long)], dim=1)
    with torch.no_grad():
        return {"short": model(ids, mask, seg), "long": model(ids_l, mask_l, seg_l)}


def _batch_judge(got, ref):
    for key in ("a", "b"):
        msg = _outputs_msg(got.get(key))
        if msg:
            return msg
    if compare(got["a"][0][0], got["b"][0][0], **TOL) or compare(got["a"][1][0], got["b"][1][0], **TOL):
        return ("changing sample 1 changed sample 0's outputs: the samples of a batch are mixed "
                "(is the encoder batch_first?)")
    return compare(got["a"], ref["a"], **TOL)


@probe(judge=_batch_judge)
def batch_independence(m):
    "changing the second sample of a batch leaves the first sample's outputs unchanged"
    model = _loaded(m, seed=17)
    ids, mask, seg = _batch(18, rows=2, width=8)
    other = ids.clone()
    other[1, 1:3] = torch.tensor([20, 21])
    with torch.no_grad():
        return {"a": model(ids, mask, seg), "b": model(other, mask, seg)}
