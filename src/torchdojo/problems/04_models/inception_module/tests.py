"""Probes for inception_module: state_dict keys and shapes of a module and of MiniInception,
out_channels, spatial size kept on odd and 1x1 maps, seeded weights loaded strictly and the
outputs, gradients and one SGD step compared with the reference, and the channel order of the
concatenation (each branch made to output its own constant)."""

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _module_spec(prefix, in_ch, c1, c3r, c3, c5r, c5, pp) -> list[tuple[str, tuple]]:
    """The keys and shapes the statement fixes for InceptionModule(in_ch, c1, c3r, c3, c5r, c5, pp)."""
    convs = [("branch1.0", (c1, in_ch, 1, 1)), ("branch2.0", (c3r, in_ch, 1, 1)),
             ("branch2.2", (c3, c3r, 3, 3)), ("branch3.0", (c5r, in_ch, 1, 1)),
             ("branch3.2", (c5, c5r, 5, 5)), ("branch4.1", (pp, in_ch, 1, 1))]
    spec = []
    for name, shape in convs:
        spec += [(f"{prefix}{name}.weight", shape), (f"{prefix}{name}.bias", (shape[0],))]
    return spec


def _mini_spec(num_classes: int) -> list[tuple[str, tuple]]:
    return [("stem.0.weight", (32, 3, 3, 3)), ("stem.0.bias", (32,)),
            *_module_spec("inc1.", 32, 16, 16, 24, 4, 8, 8),
            *_module_spec("inc2.", 56, 24, 24, 32, 8, 16, 16),
            ("fc.weight", (num_classes, 88)), ("fc.bias", (num_classes,))]


def _weights(spec, seed: int) -> dict[str, torch.Tensor]:
    """He-scaled seeded weights, biases around zero (so every ReLU cuts something off)."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in spec:
        if key.endswith(".bias"):
            sd[key] = 0.2 * torch.randn(shape, generator=g)
        else:
            fan_in = 1
            for s in shape[1:]:
                fan_in *= s
            sd[key] = torch.randn(shape, generator=g) * (2 / fan_in) ** 0.5
    return sd


# --- structure ---------------------------------------------------------------------------------

def _keys(module) -> list[tuple[str, tuple]]:
    return sorted((k, tuple(v.shape)) for k, v in module.state_dict().items())


def _keys_message(what: str, got, ref) -> str | None:
    want, have = dict(ref), dict(got)
    missing = [k for k in want if k not in have]
    extra = [k for k in have if k not in want]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing[:4]}")
        if extra:
            parts.append(f"unexpected {extra[:4]}")
        return f"{what}: state_dict keys differ from the statement's: " + "; ".join(parts)
    for k, shape in want.items():
        if tuple(have[k]) != tuple(shape):
            return f"{what}: {k} has shape {tuple(have[k])}, expected {tuple(shape)}"
    return None


def _module_structure_judge(got, ref):
    what = "InceptionModule(5, 4, 3, 6, 2, 3, 2)"
    msg = _keys_message(what, got["keys"], ref["keys"])
    if msg:
        return msg
    oc = got["out_channels"]
    if type(oc) is not int:
        return f"{what}.out_channels should be a Python int, got {type(oc).__name__} {oc!r}"
    if oc != ref["out_channels"]:
        return f"{what}.out_channels is {oc}, expected {ref['out_channels']}"
    for key in ("shape_odd", "shape_1x1"):
        if got[key] != ref[key]:
            return f"{what}: output shape {got[key]} for input {ref['input_' + key]}, expected {ref[key]}"
    return None


@probe(public=True, judge=_module_structure_judge)
def module_structure(m):
    "InceptionModule(5, 4, 3, 6, 2, 3, 2): state_dict keys and shapes, out_channels, output shapes on 9x7 and 1x1 inputs"
    mod = m.InceptionModule(5, 4, 3, 6, 2, 3, 2)
    with torch.no_grad():
        odd = mod(torch.randn(2, 5, 9, 7))
        one = mod(torch.randn(1, 5, 1, 1))
    return {"keys": _keys(mod), "out_channels": mod.out_channels,
            "shape_odd": list(odd.shape), "input_shape_odd": [2, 5, 9, 7],
            "shape_1x1": list(one.shape), "input_shape_1x1": [1, 5, 1, 1]}


def _mini_structure_judge(got, ref):
    return _keys_message("MiniInception(7)", got, ref)


@probe(judge=_mini_structure_judge)
def mini_structure(m):
    "MiniInception(7): state_dict keys and shapes (inc2 takes all of inc1's channels)"
    return _keys(m.MiniInception(7))


# --- behaviour with loaded weights -------------------------------------------------------------

_WHAT = {
    "out": "the output",
    "unchanged": None,
    "input_grad": "the gradient with respect to the input",
    "grads": "a parameter's gradient",
    "after_step": "the parameters after one SGD step",
}


def _behaviour_judge(where: str):
    def judge(got, ref):
        for key, text in _WHAT.items():
            if key not in ref:
                continue
            msg = compare(got.get(key), ref[key], path=key, **TOL)
            if msg and text is None:
                return f"{where}: the input tensor was modified in place"
            if msg:
                return f"{where}: {text} differs from the reference: {msg}"
        return None

    return judge


def _run(model, spec, seed: int, shape: tuple[int, ...], channels_last: bool = False) -> dict:
    model.load_state_dict(_weights(spec, seed), strict=True)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(shape, generator=g)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    before = x.clone()
    x.requires_grad_(True)
    out = model(x)
    (out * torch.randn(out.shape, generator=g)).sum().backward()
    obs = {"out": out.detach(), "unchanged": bool(torch.equal(x.detach(), before)),
           "input_grad": x.grad, "grads": {n: p.grad for n, p in model.named_parameters()}}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


@probe(public=True, judge=_behaviour_judge("InceptionModule(5, 4, 3, 6, 2, 3, 2), input (2, 5, 9, 7)"))
def module_loaded(m):
    "InceptionModule(5, 4, 3, 6, 2, 3, 2) with seeded weights, odd input 9x7: output, gradients, SGD step"
    mod = m.InceptionModule(5, 4, 3, 6, 2, 3, 2)
    return _run(mod, _module_spec("", 5, 4, 3, 6, 2, 3, 2), 31, (2, 5, 9, 7))


@probe(judge=_behaviour_judge("InceptionModule(3, 2, 2, 3, 1, 2, 1), batch 1, input (1, 3, 5, 4)"))
def module_loaded_batch1(m):
    "InceptionModule(3, 2, 2, 3, 1, 2, 1) with seeded weights, batch 1, input 5x4"
    mod = m.InceptionModule(3, 2, 2, 3, 1, 2, 1)
    return _run(mod, _module_spec("", 3, 2, 2, 3, 1, 2, 1), 32, (1, 3, 5, 4))


def _order_judge(got, ref):
    if not isinstance(got, list) or len(got) != len(ref):
        return f"expected {len(ref)} output channels, got {got if not isinstance(got, list) else len(got)}"
    names = {1.0: "branch1", 2.0: "branch2", 3.0: "branch3", 4.0: "branch4"}
    for i, (g, r) in enumerate(zip(got, ref, strict=True)):
        if abs(g - r) > 1e-5:
            src = names.get(round(g, 3), f"a value {g:.4g}")
            return (f"output channel {i} should hold {names[r]}'s output but holds {src}'s: "
                    "concatenate branch1, branch2, branch3, branch4 along dim 1")
    return None


@probe(judge=_order_judge)
def concat_order(m):
    "each branch made to output its own constant: which channels hold which branch"
    mod = m.InceptionModule(3, 2, 2, 3, 1, 2, 1)
    sd = {k: torch.zeros(s) for k, s in _module_spec("", 3, 2, 2, 3, 1, 2, 1)}
    for value, key in enumerate(("branch1.0.bias", "branch2.2.bias", "branch3.2.bias",
                                 "branch4.1.bias"), start=1):
        sd[key].fill_(float(value))
    mod.load_state_dict(sd, strict=True)
    with torch.no_grad():
        out = mod(torch.randn(2, 3, 4, 5))
    return [float(v) for v in out.mean(dim=(0, 2, 3))]


@probe(judge=_behaviour_judge("MiniInception(7), batch 2, input (2, 3, 16, 12)"))
def mini_loaded(m):
    "MiniInception(7) with seeded weights, batch 2, 16x12: logits, gradients, SGD step"
    return _run(m.MiniInception(7), _mini_spec(7), 33, (2, 3, 16, 12))


@probe(judge=_behaviour_judge("MiniInception(7), batch 1, channels_last input (1, 3, 9, 11)"))
def mini_loaded_batch1(m):
    "MiniInception(7) with seeded weights, batch 1, odd channels_last input 9x11: logits and gradients"
    return _run(m.MiniInception(7), _mini_spec(7), 34, (1, 3, 9, 11), channels_last=True)
