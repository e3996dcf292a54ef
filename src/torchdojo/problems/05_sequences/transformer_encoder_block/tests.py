"""Probes for transformer_encoder_block: the learner's EncoderBlock has nn.TransformerEncoderLayer's
state_dict keys and shapes; with weights made by the probe and loaded strictly it gives the
reference's outputs (post-norm and pre-norm, with a padding mask), gradients and SGD step in
train mode; padded positions do not influence real ones; dropout is off in eval mode and on in
train mode; a batch of one and a sequence of one; a source check that torch's Transformer
layers are not used."""

import torch
from torch import nn

from torchdojo.probes import compare, parse_source, probe, shortcut, source_probe

TOL = {"rtol": 1e-5, "atol": 1e-5}


def _spec(d: int, f: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes (nn.TransformerEncoderLayer's)."""
    return {"self_attn.in_proj_weight": (3 * d, d), "self_attn.in_proj_bias": (3 * d,),
            "self_attn.out_proj.weight": (d, d), "self_attn.out_proj.bias": (d,),
            "linear1.weight": (f, d), "linear1.bias": (f,),
            "linear2.weight": (d, f), "linear2.bias": (d,),
            "norm1.weight": (d,), "norm1.bias": (d,), "norm2.weight": (d,), "norm2.bias": (d,)}


def _weights(d: int, f: int, seed: int) -> dict[str, torch.Tensor]:
    """Seeded weights: 1/sqrt(fan_in) matrices, non-zero biases, LayerNorm scales near 1."""
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


def _block(m, d: int, h: int, f: int, seed: int, dropout: float = 0.0,
           norm_first: bool = False) -> nn.Module:
    torch.manual_seed(0)
    block = m.EncoderBlock(d, h, f, dropout, norm_first)
    block.load_state_dict(_weights(d, f, seed), strict=True)
    return block


def _inputs(b: int, t: int, d: int, lengths: list[int], seed: int):
    """A seeded (b, t, d) batch and its (b, t) padding mask, True past each length."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(b, t, d, generator=g)
    pad = torch.arange(t)[None, :] >= torch.tensor(lengths)[:, None]
    return x, pad


def _real(out, pad: torch.Tensor):
    """The output rows at real positions, (n_real, d); the raw object if it is not a tensor."""
    if not isinstance(out, torch.Tensor) or out.shape[:2] != pad.shape:
        return out
    return out[~pad]


# --- structure ---------------------------------------------------------------------------------

def _structure_judge(got, ref):
    missing = [k for k in ref["shapes"] if k not in got["shapes"]]
    extra = [k for k in got["shapes"] if k not in ref["shapes"]]
    if missing or extra:
        return (f"state_dict keys differ from nn.TransformerEncoderLayer's: missing {missing}, "
                f"unexpected {extra}")
    for k, shape in ref["shapes"].items():
        if got["shapes"][k] != shape:
            return f"{k} has shape {tuple(got['shapes'][k])}, expected {tuple(shape)}"
    if got["buffers"]:
        return f"the block has buffers {got['buffers']}; it should have none"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "EncoderBlock(16, 4, 24): state_dict keys and shapes (nn.TransformerEncoderLayer's), no buffers"
    torch.manual_seed(0)
    block = m.EncoderBlock(16, 4, 24)
    return {"shapes": {k: list(v.shape) for k, v in block.state_dict().items()},
            "buffers": [n for n, _ in block.named_buffers()]}


# --- outputs with loaded weights ---------------------------------------------------------------

def _outputs_judge(got, ref):
    if got.get("unchanged") is not True:
        return "the input tensor was modified in place"
    for key in ref:
        if key == "unchanged":
            continue
        why = compare(got.get(key), ref[key], **TOL)
        if why:
            return f"{ref[key + '_what'] if key + '_what' in ref else key}: {why}"
    return None


def _outputs(m, norm_first: bool) -> dict:
    name = "pre-norm" if norm_first else "post-norm"
    obs = {}
    for tag, (d, h, f, b, t, lengths, seed) in {
            "a": (16, 4, 24, 3, 7, [5, 7, 3], 1), "b": (12, 2, 40, 4, 6, [6, 2, 6, 4], 2)}.items():
        block = _block(m, d, h, f, seed=seed, norm_first=norm_first).eval()
        x, pad = _inputs(b, t, d, lengths, seed=100 + seed)
        before = x.clone()
        with torch.no_grad():
            out = block(x, src_key_padding_mask=pad)
        obs[tag] = _real(out, pad)
        obs[tag + "_what"] = (f"{name} EncoderBlock({d}, {h}, {f}), eval mode, input "
                              f"{b}x{t}x{d} with lengths {lengths}, outputs at real positions")
        obs["unchanged"] = obs.get("unchanged", True) and bool(torch.equal(x, before))
    return obs


@probe(public=True, judge=_outputs_judge)
def post_norm_outputs(m):
    "norm_first=False with loaded weights and a padding mask: outputs at real positions"
    return _outputs(m, norm_first=False)


@probe(judge=_outputs_judge)
def pre_norm_outputs(m):
    "norm_first=True with loaded weights and a padding mask: outputs at real positions"
    return _outputs(m, norm_first=True)


def _grads_judge(got, ref):
    for mode in ("post", "pre"):
        for part in ("out", "input_grad", "grads", "after_step"):
            why = compare(got.get(mode, {}).get(part), ref[mode][part], path=part, **TOL)
            if why:
                return f"{mode}-norm, train mode, dropout=0: {part}: {why}"
    return None


@probe(judge=_grads_judge)
def train_mode_gradients(m):
    "train mode, dropout=0, loaded weights: output, gradients of parameters and input, one SGD(lr=0.1) step"
    obs = {}
    for mode, norm_first in (("post", False), ("pre", True)):
        block = _block(m, 8, 2, 20, seed=3, norm_first=norm_first).train()
        x, pad = _inputs(3, 5, 8, [4, 5, 2], seed=103)
        x.requires_grad_(True)
        w = torch.randn(3, 5, 8, generator=torch.Generator().manual_seed(203))
        out = block(x, src_key_padding_mask=pad)
        (out * w * (~pad)[..., None]).sum().backward()
        o = {"out": _real(out.detach(), pad), "input_grad": x.grad,
             "grads": {n: p.grad for n, p in block.named_parameters()}}
        torch.optim.SGD(block.parameters(), lr=0.1).step()
        o["after_step"] = {n: p.detach().clone() for n, p in block.named_parameters()}
        obs[mode] = o
    return obs


def _padding_judge(got, ref):
    for mode in ("post", "pre"):
        a, b = got.get(mode + "_a"), got.get(mode + "_b")
        why = compare(a, ref[mode + "_a"], **TOL)
        if why:
            return f"{mode}-norm outputs at real positions: {why}"
        why = compare(b, a, **TOL)
        if why:
            return (f"{mode}-norm: changing the values at padded positions changed outputs at "
                    f"real positions: {why}")
    return None


@probe(judge=_padding_judge)
def padding_invariance(m):
    "changing the inputs at padded positions (True in the mask) changes no output at a real position"
    obs = {}
    for mode, norm_first in (("post", False), ("pre", True)):
        block = _block(m, 16, 4, 24, seed=4, norm_first=norm_first).eval()
        x, pad = _inputs(3, 8, 16, [3, 8, 6], seed=104)
        noise = 5 * torch.randn(x.shape, generator=torch.Generator().manual_seed(204))
        x2 = torch.where(pad[..., None], noise, x)
        with torch.no_grad():
            obs[mode + "_a"] = _real(block(x, src_key_padding_mask=pad), pad)
            obs[mode + "_b"] = _real(block(x2, src_key_padding_mask=pad), pad)
    return obs


def _dropout_judge(got, ref):
    if not got.get("eval_same"):
        return "EncoderBlock(..., dropout=0.5) in eval mode gave different outputs on two calls"
    why = compare(got.get("eval"), ref["eval"], **TOL)
    if why:
        return f"EncoderBlock(..., dropout=0.5), eval mode: {why}"
    if got.get("train_same") is not False:
        return ("EncoderBlock(..., dropout=0.5) in train mode gave the same output twice: "
                "dropout is not applied in train mode")
    return None


@probe(judge=_dropout_judge)
def dropout_train_and_eval(m):
    "dropout=0.5: eval mode is deterministic and equals the reference; train mode is random"
    obs = {}
    for norm_first in (False, True):
        block = _block(m, 16, 4, 24, seed=5, dropout=0.5, norm_first=norm_first)
        x, pad = _inputs(2, 6, 16, [6, 4], seed=105)
        block.eval()
        with torch.no_grad():
            a = block(x, src_key_padding_mask=pad)
            b = block(x, src_key_padding_mask=pad)
        obs.setdefault("eval", []).append(_real(a, pad))
        obs["eval_same"] = obs.get("eval_same", True) and bool(torch.equal(a, b))
        block.train()
        torch.manual_seed(1)
        with torch.no_grad():
            c = block(x, src_key_padding_mask=pad)
            e = block(x, src_key_padding_mask=pad)
        obs["train_same"] = obs.get("train_same", True) and bool(torch.equal(c, e))
    obs["eval"] = tuple(obs["eval"])
    return obs


@probe(rtol=1e-5, atol=1e-5)
def batch_of_one(m):
    "a batch of one (with and without a mask), a sequence of one, post- and pre-norm, eval mode"
    obs = {}
    for norm_first in (False, True):
        block = _block(m, 8, 2, 16, seed=6, norm_first=norm_first).eval()
        x, pad = _inputs(1, 5, 8, [3], seed=106)
        one = torch.randn(1, 1, 8, generator=torch.Generator().manual_seed(206))
        with torch.no_grad():
            obs[f"masked_{norm_first}"] = _real(block(x, src_key_padding_mask=pad), pad)
            obs[f"no_mask_{norm_first}"] = block(x)
            obs[f"length_one_{norm_first}"] = block(one)
    return obs


@source_probe
def writes_the_block(source):
    "the block is built from its parts: torch's Transformer layers are not used"
    tree, why = parse_source(source)
    if tree is None:
        return why
    where = shortcut(tree, {"TransformerEncoderLayer", "TransformerEncoder", "Transformer",
                            "_transformer_encoder_layer_fwd"})
    if where and "dynamic" in where:
        return (f"found {where}: dynamic lookups are not allowed in this file (the check for "
                "torch's Transformer layers cannot see through them); assign each submodule "
                "by name")
    if where:
        return (f"found {where}: build the block from nn.MultiheadAttention, nn.Linear, "
                "nn.LayerNorm and nn.Dropout yourself")
    return None
