"""Probes for resnet_basic_block: the state_dict the statement fixes (identity, stride 2, width
change), then seeded weights loaded strictly by those names and the output, gradients, running
statistics and one SGD step compared with the reference in train and eval mode."""

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _bn(prefix: str, c: int) -> list[tuple[str, tuple[int, ...], str]]:
    return [(f"{prefix}.weight", (c,), "gamma"), (f"{prefix}.bias", (c,), "beta"),
            (f"{prefix}.running_mean", (c,), "mean"), (f"{prefix}.running_var", (c,), "var"),
            (f"{prefix}.num_batches_tracked", (), "count")]


def _spec(in_ch: int, out_ch: int, stride: int) -> list[tuple[str, tuple[int, ...], str]]:
    """The keys, shapes and kinds of entry the statement lists for BasicBlock(in_ch, out_ch, s)."""
    c = out_ch
    spec = [("conv1.weight", (c, in_ch, 3, 3), "conv"), *_bn("bn1", c),
            ("conv2.weight", (c, c, 3, 3), "conv"), *_bn("bn2", c)]
    if stride != 1 or in_ch != out_ch:
        spec += [("shortcut.0.weight", (c, in_ch, 1, 1), "conv"), *_bn("shortcut.1", c)]
    return spec


def _weights(spec, seed: int) -> dict[str, torch.Tensor]:
    """A seeded state_dict for ``spec``: He-scaled convs, BN affine and running stats off their
    defaults (running_var positive)."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape, kind in spec:
        if kind == "count":
            sd[key] = torch.tensor(5)
        elif kind == "var":
            sd[key] = 0.5 + torch.rand(shape, generator=g)
        elif kind == "gamma":
            sd[key] = 1 + 0.3 * torch.randn(shape, generator=g)
        elif kind == "conv":
            fan_in = shape[1] * shape[2] * shape[3]
            sd[key] = torch.randn(shape, generator=g) * (2 / fan_in) ** 0.5
        else:
            sd[key] = 0.3 * torch.randn(shape, generator=g)
    return sd


# --- structure ---------------------------------------------------------------------------------

def _structure(m, *args) -> dict:
    block = m.BasicBlock(*args)
    return {"state_dict": sorted((k, tuple(v.shape)) for k, v in block.state_dict().items()),
            "parameters": sorted(n for n, _ in block.named_parameters()),
            "buffers": sorted(n for n, _ in block.named_buffers()),
            "expansion": getattr(m.BasicBlock, "expansion", None)}


def _structure_judge(got, ref):
    what = f"BasicBlock{tuple(ref['args'])}"
    want, have = dict(ref["state_dict"]), dict(got["state_dict"])
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
    if got["parameters"] != ref["parameters"] or got["buffers"] != ref["buffers"]:
        return (f"{what}: the parameters should be {ref['parameters']} and the buffers (running "
                f"statistics) {ref['buffers']}")
    if got["expansion"] != 1 or type(got["expansion"]) is not int:
        return f"BasicBlock.expansion should be the int 1, got {got['expansion']!r}"
    return None


@probe(public=True, judge=_structure_judge)
def keys_identity(m):
    "BasicBlock(8, 8): state_dict keys and shapes (identity shortcut), parameters vs buffers, expansion"
    return {"args": [8, 8, 1], **_structure(m, 8, 8, 1)}


@probe(judge=_structure_judge)
def keys_stride2(m):
    "BasicBlock(8, 8, stride=2): state_dict keys and shapes (projection shortcut)"
    return {"args": [8, 8, 2], **_structure(m, 8, 8, 2)}


@probe(judge=_structure_judge)
def keys_width_change(m):
    "BasicBlock(4, 8): state_dict keys and shapes (projection shortcut for a width change)"
    return {"args": [4, 8, 1], **_structure(m, 4, 8, 1)}


# --- behaviour with loaded weights -------------------------------------------------------------

def _run(m, in_ch: int, out_ch: int, stride: int, shape: tuple[int, ...], train: bool,
         seed: int, channels_last: bool = False, zero_bn2: bool = False) -> dict:
    """Load seeded weights strictly, run a seeded input, backprop a seeded loss, take one SGD
    step; return everything the reference must agree on."""
    block = m.BasicBlock(in_ch, out_ch, stride)
    sd = _weights(_spec(in_ch, out_ch, stride), seed)
    if zero_bn2:
        sd["bn2.weight"].zero_()
        sd["bn2.bias"].zero_()
    block.load_state_dict(sd, strict=True)
    block.train(train)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(shape, generator=g)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    before = x.clone()
    x.requires_grad_(True)
    out = block(x)
    (out * torch.randn(out.shape, generator=g)).sum().backward()
    obs = {"out": out.detach(),
           "input_unchanged": bool(torch.equal(x.detach(), before)),
           "input_grad": x.grad,
           "grads": {n: p.grad for n, p in block.named_parameters()},
           "buffers": {n: b.clone() for n, b in block.named_buffers()}}
    torch.optim.SGD(block.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in block.named_parameters()}
    return obs


_WHAT = {
    "out": "the block's output",
    "input_unchanged": "the input tensor was modified in place",
    "input_grad": "the gradient with respect to the input",
    "grads": "a parameter's gradient",
    "buffers": "the BatchNorm buffers after the forward pass (running statistics)",
    "after_step": "the parameters after one SGD step",
}


def _model_judge(where: str):
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"{where}: expected a dict of observations"
        for key, text in _WHAT.items():
            msg = compare(got.get(key), ref[key], path=key, **TOL)
            if msg:
                if key == "input_unchanged":
                    return f"{where}: {text}"
                return f"{where}: {text} differs from the reference: {msg}"
        return None

    return judge


@probe(public=True, judge=_model_judge("BasicBlock(4, 8, stride=2), train mode, input (2, 4, 9, 9)"))
def train_stride2_width(m):
    "BasicBlock(4, 8, stride=2) with seeded weights, train mode, odd input 9x9: output, gradients, running stats, SGD step"
    return _run(m, 4, 8, 2, (2, 4, 9, 9), train=True, seed=11)


@probe(judge=_model_judge("BasicBlock(6, 6), train mode, input (3, 6, 6, 5)"))
def train_identity(m):
    "BasicBlock(6, 6) with seeded weights, train mode: output, gradients, running stats, SGD step"
    return _run(m, 6, 6, 1, (3, 6, 6, 5), train=True, seed=12)


@probe(judge=_model_judge("BasicBlock(6, 6, stride=2), train mode, input (2, 6, 7, 8)"))
def train_stride2_same_width(m):
    "BasicBlock(6, 6, stride=2) with seeded weights, train mode, odd input 7x8"
    return _run(m, 6, 6, 2, (2, 6, 7, 8), train=True, seed=13)


@probe(judge=_model_judge("BasicBlock(3, 5), train mode, input (2, 3, 5, 5)"))
def train_width_only(m):
    "BasicBlock(3, 5) (width change, stride 1) with seeded weights, train mode"
    return _run(m, 3, 5, 1, (2, 3, 5, 5), train=True, seed=14)


@probe(judge=_model_judge("BasicBlock(8, 8), eval mode, batch 1, channels_last input"))
def eval_batch1_identity(m):
    "BasicBlock(8, 8) with seeded weights, eval mode, batch 1, a channels_last input"
    return _run(m, 8, 8, 1, (1, 8, 5, 5), train=False, seed=15, channels_last=True)


@probe(judge=_model_judge("BasicBlock(4, 8, stride=2), eval mode, batch 1, input (1, 4, 9, 9)"))
def eval_batch1_projection(m):
    "BasicBlock(4, 8, stride=2) with seeded weights, eval mode, batch 1, odd input 9x9"
    return _run(m, 4, 8, 2, (1, 4, 9, 9), train=False, seed=16)


def _zero_judge(text: str):
    def judge(got, ref):
        msg = compare(got.get("out") if isinstance(got, dict) else got, ref["out"], **TOL)
        return f"{text}: {msg}" if msg else None

    return judge


@probe(judge=_zero_judge("with bn2's weight and bias zero, BasicBlock(6, 6) in eval mode should "
                         "return relu(x)"))
def zero_residual_identity(m):
    "with bn2's weight and bias set to zero, an identity block (eval mode) returns relu(x)"
    return _run(m, 6, 6, 1, (2, 6, 4, 4), train=False, seed=17, zero_bn2=True)


@probe(judge=_zero_judge("with bn2's weight and bias zero, BasicBlock(4, 6, stride=2) in eval mode "
                         "should return relu(shortcut(x))"))
def zero_residual_projection(m):
    "with bn2's weight and bias set to zero, a projection block (eval mode) returns relu(shortcut(x))"
    return _run(m, 4, 6, 2, (2, 4, 6, 6), train=False, seed=18, zero_bn2=True)
