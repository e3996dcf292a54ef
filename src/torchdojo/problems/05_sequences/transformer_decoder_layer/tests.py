"""Probes for transformer_decoder_layer: the learner's DecoderLayer has nn.TransformerDecoderLayer's
state_dict keys and shapes; with weights made by the probe and loaded strictly it gives the
reference's outputs (causal float mask from nn.Transformer.generate_square_subsequent_mask,
memory padding, S != T), gradients and SGD step in train mode; causality (future target tokens
change no earlier output), memory and target padding invariance; dropout off in eval mode and
on in train mode; batch 1, T = 1, S = 1; a source check that torch's Transformer layers are not
used."""

import torch
from torch import nn

from torchdojo.probes import compare, parse_source, probe, shortcut, source_probe

TOL = {"rtol": 1e-5, "atol": 1e-5}


def _spec(d: int, f: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes (nn.TransformerDecoderLayer's)."""
    spec: dict[str, tuple[int, ...]] = {}
    for att in ("self_attn", "multihead_attn"):
        spec |= {f"{att}.in_proj_weight": (3 * d, d), f"{att}.in_proj_bias": (3 * d,),
                 f"{att}.out_proj.weight": (d, d), f"{att}.out_proj.bias": (d,)}
    spec |= {"linear1.weight": (f, d), "linear1.bias": (f,),
             "linear2.weight": (d, f), "linear2.bias": (d,)}
    for i in (1, 2, 3):
        spec |= {f"norm{i}.weight": (d,), f"norm{i}.bias": (d,)}
    return spec


def _weights(d: int, f: int, seed: int) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for k, shape in _spec(d, f).items():
        z = torch.randn(shape, generator=g)
        if k.startswith("norm") and k.endswith("weight"):
            sd[k] = 1 + 0.3 * z
        elif len(shape) == 2:
            sd[k] = z / shape[1] ** 0.5
        else:
            sd[k] = 0.3 * z
    return sd


def _layer(m, d: int, h: int, f: int, seed: int, dropout: float = 0.0) -> nn.Module:
    torch.manual_seed(0)
    layer = m.DecoderLayer(d, h, f, dropout)
    layer.load_state_dict(_weights(d, f, seed), strict=True)
    return layer


def _randn(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _pad(lengths: list[int], n: int) -> torch.Tensor:
    """(B, n) bool, True past each length."""
    return torch.arange(n)[None, :] >= torch.tensor(lengths)[:, None]


def _causal(t: int) -> torch.Tensor:
    return nn.Transformer.generate_square_subsequent_mask(t)  # float: 0 on and below, -inf above


def _bool_causal(t: int) -> torch.Tensor:
    return torch.ones(t, t, dtype=torch.bool).triu(1)  # True above the diagonal = blocked


def _dict_judge(got, ref):
    for key, want in ref.items():
        if key == "unchanged":
            if got.get(key) is not True:
                return "the layer modified tgt or memory in place"
            continue
        why = compare(got.get(key), want, **TOL)
        if why:
            return f"{key}: {why}"
    return None


# --- structure ---------------------------------------------------------------------------------

def _structure_judge(got, ref):
    missing = [k for k in ref["shapes"] if k not in got["shapes"]]
    extra = [k for k in got["shapes"] if k not in ref["shapes"]]
    if missing or extra:
        return (f"state_dict keys differ from nn.TransformerDecoderLayer's: missing {missing}, "
                f"unexpected {extra}")
    for k, shape in ref["shapes"].items():
        if got["shapes"][k] != shape:
            return f"{k} has shape {tuple(got['shapes'][k])}, expected {tuple(shape)}"
    if got["buffers"]:
        return f"the layer has buffers {got['buffers']}; it should have none"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "DecoderLayer(16, 4, 24): state_dict keys and shapes (nn.TransformerDecoderLayer's), no buffers"
    torch.manual_seed(0)
    layer = m.DecoderLayer(16, 4, 24)
    return {"shapes": {k: list(v.shape) for k, v in layer.state_dict().items()},
            "buffers": [n for n, _ in layer.named_buffers()]}


# --- outputs with loaded weights ---------------------------------------------------------------

@probe(public=True, judge=_dict_judge)
def loaded_outputs(m):
    "loaded weights, eval mode: causal tgt_mask and memory padding (T=5, S=7); and no masks (T=6, S=3)"
    obs = {}
    layer = _layer(m, 16, 4, 24, seed=1).eval()
    tgt, memory = _randn(3, 5, 16, seed=101), _randn(3, 7, 16, seed=201)
    before = (tgt.clone(), memory.clone())
    with torch.no_grad():
        obs["DecoderLayer(16, 4, 24), tgt 3x5, memory 3x7 (lengths 7, 4, 6), causal tgt_mask"] = \
            layer(tgt, memory, tgt_mask=_causal(5), memory_key_padding_mask=_pad([7, 4, 6], 7))
    obs["unchanged"] = bool(torch.equal(tgt, before[0]) and torch.equal(memory, before[1]))
    layer = _layer(m, 12, 3, 20, seed=2).eval()
    with torch.no_grad():
        obs["DecoderLayer(12, 3, 20), tgt 2x6, memory 2x3, no masks"] = \
            layer(_randn(2, 6, 12, seed=102), _randn(2, 3, 12, seed=202))
    return obs


def _grads_judge(got, ref):
    for part in ("out", "tgt_grad", "memory_grad", "grads", "after_step"):
        why = compare(got.get(part), ref[part], path=part, **TOL)
        if why:
            return f"train mode, dropout=0, all three masks: {part}: {why}"
    return None


@probe(judge=_grads_judge)
def train_mode_gradients(m):
    "train mode, dropout=0, bool causal + both padding masks: output, gradients of parameters, tgt and memory, one SGD(lr=0.1) step"
    layer = _layer(m, 8, 2, 20, seed=3).train()
    tgt = _randn(3, 6, 8, seed=103).requires_grad_(True)
    memory = _randn(3, 4, 8, seed=203).requires_grad_(True)
    tpad, mpad = _pad([6, 4, 5], 6), _pad([2, 4, 3], 4)
    out = layer(tgt, memory, tgt_mask=_bool_causal(6), tgt_key_padding_mask=tpad,
                memory_key_padding_mask=mpad)
    w = _randn(3, 6, 8, seed=303) * (~tpad)[..., None]
    (out * w).sum().backward()
    obs = {"out": out.detach()[~tpad], "tgt_grad": tgt.grad, "memory_grad": memory.grad,
           "grads": {n: p.grad for n, p in layer.named_parameters()}}
    torch.optim.SGD(layer.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in layer.named_parameters()}
    return obs


# --- masks by behaviour ------------------------------------------------------------------------

def _invariance_judge(got, ref):
    for key, want in ref.items():
        if not key.endswith(" as given"):
            continue
        what = key[: -len(" as given")]
        why = compare(got.get(what + " changed"), got.get(key), **TOL)
        if why:
            return f"{what}: {ref['why'][what]}: {why}"
        why = compare(got.get(key), want, **TOL)
        if why:
            return f"{key}: {why}"
    return None


@probe(judge=_invariance_judge)
def causality(m):
    "with the causal tgt_mask, changing tgt positions > t changes no output at positions <= t"
    layer = _layer(m, 16, 4, 24, seed=4).eval()
    tgt, memory = _randn(2, 6, 16, seed=104), _randn(2, 5, 16, seed=204)
    noise = 3 * _randn(2, 6, 16, seed=304)
    obs = {"why": {}}
    with torch.no_grad():
        for t in (0, 2, 4):
            changed = tgt.clone()
            changed[:, t + 1:] = noise[:, t + 1:]
            what = f"outputs at positions 0..{t}"
            obs[what + " as given"] = layer(tgt, memory, tgt_mask=_causal(6))[:, : t + 1]
            obs[what + " changed"] = layer(changed, memory, tgt_mask=_causal(6))[:, : t + 1]
            obs["why"][what] = f"changing tgt after position {t} changed them (the decoder peeks ahead)"
    return obs


@probe(judge=_invariance_judge)
def padding_invariance(m):
    "changing padded memory positions, or padded tgt positions, changes no output at a real position"
    layer = _layer(m, 16, 4, 24, seed=5).eval()
    tgt, memory = _randn(3, 5, 16, seed=105), _randn(3, 8, 16, seed=205)
    mpad, tpad = _pad([3, 8, 5], 8), _pad([5, 2, 4], 5)
    memory2 = torch.where(mpad[..., None], 4 * _randn(3, 8, 16, seed=305), memory)
    tgt2 = torch.where(tpad[..., None], 4 * _randn(3, 5, 16, seed=405), tgt)
    causal = _bool_causal(5)
    obs = {"why": {"memory padding": "changing the memory at padded positions changed the "
                                     "output (memory_key_padding_mask not applied?)",
                   "tgt padding": "changing the target at padded positions changed outputs at "
                                  "real positions (tgt_key_padding_mask not applied?)"}}
    with torch.no_grad():
        obs["memory padding as given"] = layer(tgt, memory, memory_key_padding_mask=mpad)
        obs["memory padding changed"] = layer(tgt, memory2, memory_key_padding_mask=mpad)
        a = layer(tgt, memory, tgt_mask=causal, tgt_key_padding_mask=tpad,
                  memory_key_padding_mask=mpad)
        b = layer(tgt2, memory, tgt_mask=causal, tgt_key_padding_mask=tpad,
                  memory_key_padding_mask=mpad)
        obs["tgt padding as given"], obs["tgt padding changed"] = a[~tpad], b[~tpad]
    return obs


def _memory_matters_judge(got, ref):
    msg = _dict_judge({k: v for k, v in got.items() if k != "differs"},
                      {k: v for k, v in ref.items() if k != "differs"})
    if msg:
        return msg
    if got.get("differs") is not True:
        return "changing the memory did not change the output: the cross-attention must read it"
    return None


@probe(judge=_memory_matters_judge)
def memory_matters(m):
    "the output depends on the memory (S=4 != T=3): a different memory gives the reference's different output"
    layer = _layer(m, 8, 2, 16, seed=6).eval()
    tgt = _randn(2, 3, 8, seed=106)
    with torch.no_grad():
        a = layer(tgt, _randn(2, 4, 8, seed=206), tgt_mask=_causal(3))
        b = layer(tgt, _randn(2, 4, 8, seed=306), tgt_mask=_causal(3))
    return {"memory A": a, "memory B": b, "differs": not bool(torch.allclose(a, b))}


@probe(rtol=1e-5, atol=1e-5)
def edge_sizes(m):
    "batch 1, T=1 with S=1, and T=4 with S=1, eval mode"
    layer = _layer(m, 8, 2, 16, seed=7).eval()
    with torch.no_grad():
        return {"T=1, S=1": layer(_randn(1, 1, 8, seed=107), _randn(1, 1, 8, seed=207),
                                  tgt_mask=_causal(1)),
                "T=4, S=1": layer(_randn(1, 4, 8, seed=108), _randn(1, 1, 8, seed=208),
                                  tgt_mask=_causal(4))}


def _dropout_judge(got, ref):
    if not got.get("eval_same"):
        return "DecoderLayer(..., dropout=0.5) in eval mode gave different outputs on two calls"
    why = compare(got.get("eval"), ref["eval"], **TOL)
    if why:
        return f"DecoderLayer(..., dropout=0.5), eval mode: {why}"
    if got.get("train_same") is not False:
        return ("DecoderLayer(..., dropout=0.5) in train mode gave the same output twice: "
                "dropout is not applied in train mode")
    return None


@probe(judge=_dropout_judge)
def dropout_train_and_eval(m):
    "dropout=0.5: eval mode is deterministic and equals the reference; train mode is random"
    layer = _layer(m, 16, 4, 24, seed=8, dropout=0.5)
    tgt, memory = _randn(2, 4, 16, seed=109), _randn(2, 6, 16, seed=209)
    layer.eval()
    with torch.no_grad():
        a = layer(tgt, memory, tgt_mask=_causal(4))
        b = layer(tgt, memory, tgt_mask=_causal(4))
    layer.train()
    torch.manual_seed(1)
    with torch.no_grad():
        c = layer(tgt, memory, tgt_mask=_causal(4))
        e = layer(tgt, memory, tgt_mask=_causal(4))
    return {"eval": a, "eval_same": bool(torch.equal(a, b)), "train_same": bool(torch.equal(c, e))}


@source_probe
def writes_the_layer(source):
    "the layer is built from its parts: torch's Transformer layers are not used"
    tree, why = parse_source(source)
    if tree is None:
        return why
    where = shortcut(tree, {"TransformerDecoderLayer", "TransformerDecoder", "Transformer",
                            "TransformerEncoderLayer"})
    if where and "dynamic" in where:
        return (f"found {where}: dynamic lookups are not allowed in this file (the check for "
                "torch's Transformer layers cannot see through them); assign each submodule "
                "by name")
    if where:
        return (f"found {where}: build the layer from nn.MultiheadAttention, nn.Linear, "
                "nn.LayerNorm and nn.Dropout yourself")
    return None
