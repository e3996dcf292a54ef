"""Probes for resnet18_from_scratch: the learner's ResNet has torchvision's state_dict keys and
shapes (resnet18 with 10 classes, a [1, 1, 1, 1] variant, ResNet-34's layout) and parameter
count; seeded weights made for torchvision's keys load strictly and give the reference's logits
in eval mode (32x32 and an odd 36x33 input) and the reference's gradients, running statistics
and SGD step in train mode. Big models are built on the meta device (no init cost) and
materialised with to_empty before loading."""

import ast
import math

import torch
from torch import nn

from torchdojo.probes import compare, parse_source, probe, source_probe

TOL = {"rtol": 1e-4, "atol": 1e-4}


def _tv_spec(layers, num_classes: int, in_ch: int = 3) -> list[tuple[str, tuple[int, ...]]]:
    """torchvision's keys and shapes for ResNet(BasicBlock, layers, num_classes); the
    statement's in_ch changes the stem's weight only."""
    import torchvision  # inside the probe: the worker loads tests.py without torchvision
    from torchvision.models.resnet import BasicBlock, ResNet

    with torch.device("meta"):
        if list(layers) == [2, 2, 2, 2]:
            tv = torchvision.models.resnet18(weights=None, num_classes=num_classes)
        else:
            tv = ResNet(BasicBlock, list(layers), num_classes=num_classes)
    spec = [(k, tuple(v.shape)) for k, v in tv.state_dict().items()]
    return [(k, (64, in_ch, 7, 7) if k == "conv1.weight" else s) for k, s in spec]


_POOL = 1_000_003  # a prime: no two output channels of a big conv get the same weights


def _weights(spec, seed: int) -> dict[str, torch.Tensor]:
    """Seeded values for ``spec``: He-scaled convs, BN affine and running stats off their
    defaults (running_var positive), a 1/sqrt(fan_in) classifier. The values are consecutive
    windows of one seeded normal sequence, repeated with a prime period: 11 M parameters cost a
    copy, not 11 M random draws."""
    g = torch.Generator().manual_seed(seed)
    sizes = [math.prod(shape) for _, shape in spec]
    pool = torch.randn(_POOL, generator=g)
    flat = pool.repeat(sum(sizes) // _POOL + 1)
    sd, start = {}, 0
    for (key, shape), n in zip(spec, sizes, strict=True):
        z = flat[start:start + n].reshape(shape)
        start += n
        if key.endswith("num_batches_tracked"):
            sd[key] = torch.tensor(7)
        elif key.endswith("running_var"):
            sd[key] = 0.5 + z.abs()
        elif len(shape) == 4:
            sd[key] = z * (2 / (shape[1] * shape[2] * shape[3])) ** 0.5
        elif len(shape) == 2:
            sd[key] = z / shape[1] ** 0.5
        elif key.endswith(".weight"):
            sd[key] = 1 + 0.2 * z
        else:  # BN bias, running_mean, fc bias
            sd[key] = 0.2 * z
    return sd


def _meta(m, *args) -> nn.Module:
    """The learner's ResNet built on the meta device: shapes only, no memory, no init cost."""
    with torch.device("meta"):
        return m.ResNet(*args)


def _loaded(m, args: tuple, spec, seed: int) -> nn.Module:
    """Built on the meta device, then the seeded tensors are loaded strictly by assignment
    (keys and shapes are still checked; nothing is allocated twice)."""
    net = _meta(m, *args)
    net.load_state_dict(_weights(spec, seed), strict=True, assign=True)
    return net


def _sample(t: torch.Tensor | None, n: int = 2048) -> torch.Tensor | None:
    """Every k-th element of a big tensor (a dense, fixed sample), all of a small one."""
    if t is None:
        return None
    flat = t.detach().reshape(-1)
    return flat[:: max(1, flat.numel() // n)].clone()


# --- structure ---------------------------------------------------------------------------------

def _structure(module: nn.Module) -> dict:
    return {"state_dict": sorted((k, tuple(v.shape)) for k, v in module.state_dict().items()),
            "parameters": sorted(n for n, _ in module.named_parameters()),
            "buffers": sorted(n for n, _ in module.named_buffers()),
            "count": sum(p.numel() for p in module.parameters())}


def _structure_judge(got, ref):
    what = ref["what"]
    want, have = dict(ref["state_dict"]), dict(got["state_dict"])
    missing = [k for k in want if k not in have]
    extra = [k for k in have if k not in want]
    if missing or extra:
        parts = [f"{len(have)} entries, expected {len(want)}"]
        if missing:
            parts.append(f"missing {missing[:3]}")
        if extra:
            parts.append(f"unexpected {extra[:3]}")
        return f"{what}: the state_dict keys are not torchvision's: " + "; ".join(parts)
    for k, shape in want.items():
        if tuple(have[k]) != tuple(shape):
            return f"{what}: {k} has shape {tuple(have[k])}, expected {tuple(shape)}"
    if got["parameters"] != ref["parameters"] or got["buffers"] != ref["buffers"]:
        return f"{what}: the running statistics must be buffers and everything else parameters"
    if got["count"] != ref["count"]:
        return f"{what}: {got['count']} parameters, expected {ref['count']}"
    if "expansion" in ref and (got["expansion"] != 1 or type(got["expansion"]) is not int):
        return f"BasicBlock.expansion should be the int 1, got {got['expansion']!r}"
    return None


@probe(public=True, judge=_structure_judge)
def resnet18_keys(m):
    "ResNet() has torchvision resnet18(num_classes=10)'s state_dict keys and shapes and 11,181,642 parameters"
    return {"what": "ResNet()", **_structure(_meta(m)),
            "expansion": getattr(m.BasicBlock, "expansion", None)}


@probe(judge=_structure_judge)
def small_variant_keys(m):
    "ResNet([1, 1, 1, 1], num_classes=3, in_ch=1): keys, shapes and parameter count"
    return {"what": "ResNet([1, 1, 1, 1], num_classes=3, in_ch=1)",
            **_structure(_meta(m, [1, 1, 1, 1], 3, 1))}


@probe(judge=_structure_judge)
def resnet34_layout_keys(m):
    "ResNet([3, 4, 6, 3]) (ResNet-34's layout): keys, shapes and parameter count"
    return {"what": "ResNet([3, 4, 6, 3])", **_structure(_meta(m, [3, 4, 6, 3]))}


# --- behaviour with loaded weights -------------------------------------------------------------

def _eval_judge(got, ref):
    for key, text in (("unchanged", None), ("out_32", "1x3x32x32"), ("out_odd", "2x3x36x33 (channels_last)")):
        msg = compare(got.get(key), ref[key], **TOL)
        if msg and text is None:
            return "the input tensor was modified in place"
        if msg:
            return f"ResNet() with torchvision-keyed weights, eval mode, input {text}: {msg}"
    return None


@probe(public=True, judge=_eval_judge)
def resnet18_eval_logits(m):
    "ResNet() with seeded torchvision-keyed weights loaded strictly, eval mode: logits for 1x3x32x32 and a channels_last 2x3x36x33"
    net = _loaded(m, (), _tv_spec([2, 2, 2, 2], 10), seed=21).eval()
    g = torch.Generator().manual_seed(22)
    x32 = torch.randn(1, 3, 32, 32, generator=g)
    x_odd = torch.randn(2, 3, 36, 33, generator=g).contiguous(memory_format=torch.channels_last)
    before = (x32.clone(), x_odd.clone())
    with torch.no_grad():
        out_32, out_odd = net(x32), net(x_odd)
    return {"out_32": out_32, "out_odd": out_odd,
            "unchanged": bool(torch.equal(x32, before[0]) and torch.equal(x_odd, before[1]))}


_TRAIN = {
    "out": "the logits",
    "input_grad": "the gradient with respect to the input",
    "grads": "a parameter's gradient (sampled elements)",
    "buffers": "the BatchNorm running statistics after the forward pass",
    "after_step": "a parameter after one SGD step (sampled elements)",
}


def _train_judge(got, ref):
    where = "ResNet([1, 1, 1, 1], 3, 1) in train mode, input 2x1x48x40"
    for key, text in _TRAIN.items():
        msg = compare(got.get(key), ref[key], path=key, **TOL)
        if msg:
            return f"{where}: {text} differs from the reference: {msg}"
    return None


@probe(judge=_train_judge)
def small_variant_train_step(m):
    "ResNet([1, 1, 1, 1], 3, 1) with seeded weights, train mode on 2x1x48x40: logits, gradients, running stats, one SGD step"
    net = _loaded(m, ([1, 1, 1, 1], 3, 1), _tv_spec([1, 1, 1, 1], 3, in_ch=1), seed=23).train()
    g = torch.Generator().manual_seed(24)
    x = torch.randn(2, 1, 48, 40, generator=g).requires_grad_(True)
    out = net(x)
    (out * torch.randn(out.shape, generator=g)).sum().backward()
    obs = {"out": out.detach(), "input_grad": x.grad,
           "grads": {n: _sample(p.grad) for n, p in net.named_parameters()},
           "buffers": {n: b.clone() for n, b in net.named_buffers()}}
    torch.optim.SGD(net.parameters(), lr=0.1).step()
    obs["after_step"] = {n: _sample(p) for n, p in net.named_parameters()}
    return obs


def _bn_spec(prefix: str, c: int) -> list[tuple[str, tuple[int, ...]]]:
    return [(f"{prefix}.weight", (c,)), (f"{prefix}.bias", (c,)),
            (f"{prefix}.running_mean", (c,)), (f"{prefix}.running_var", (c,)),
            (f"{prefix}.num_batches_tracked", ())]


def _block_judge(got, ref):
    for key, text in (("keys_plain", "BasicBlock(16, 16): state_dict keys and shapes"),
                      ("keys_down", "BasicBlock(8, 16, 2, downsample=...): state_dict keys "
                                    "and shapes (the given downsample module, used as is)"),
                      ("out_plain", "BasicBlock(16, 16) output, eval mode"),
                      ("out_down", "BasicBlock(8, 16, 2, downsample=...) output, train mode"),
                      ("grads_down", "BasicBlock(8, 16, 2, downsample=...) gradients")):
        msg = compare(got.get(key), ref[key], **TOL)
        if msg:
            return f"{text}: {msg}"
    return None


@probe(judge=_block_judge)
def basic_block_alone(m):
    "BasicBlock alone: keys, and outputs with no downsample and with a given downsample module"
    plain = m.BasicBlock(16, 16)
    spec = [("conv1.weight", (16, 16, 3, 3)), *_bn_spec("bn1", 16),
            ("conv2.weight", (16, 16, 3, 3)), *_bn_spec("bn2", 16)]
    keys_plain = sorted((k, tuple(v.shape)) for k, v in plain.state_dict().items())
    plain.load_state_dict(_weights(spec, 25), strict=True)
    # A ResNet-D style shortcut (average pool, then 1x1 conv): the block must use what it is given.
    down = nn.Sequential(nn.AvgPool2d(2, ceil_mode=True), nn.Conv2d(8, 16, 1, bias=False),
                         nn.BatchNorm2d(16))
    block = m.BasicBlock(8, 16, 2, down)
    spec = [("conv1.weight", (16, 8, 3, 3)), *_bn_spec("bn1", 16),
            ("conv2.weight", (16, 16, 3, 3)), *_bn_spec("bn2", 16),
            ("downsample.1.weight", (16, 8, 1, 1)), *_bn_spec("downsample.2", 16)]
    keys_down = sorted((k, tuple(v.shape)) for k, v in block.state_dict().items())
    block.load_state_dict(_weights(spec, 26), strict=True)
    g = torch.Generator().manual_seed(27)
    with torch.no_grad():
        out_plain = plain.eval()(torch.randn(1, 16, 6, 6, generator=g))
    out_down = block.train()(torch.randn(2, 8, 7, 7, generator=g))
    (out_down * torch.randn(out_down.shape, generator=g)).sum().backward()
    return {"keys_plain": keys_plain, "keys_down": keys_down, "out_plain": out_plain,
            "out_down": out_down.detach(),
            "grads_down": {n: p.grad for n, p in block.named_parameters()}}


def _reaches(tree: ast.AST, banned: set[str], modules: set[str]) -> str | None:
    """Where the source imports one of ``modules``, names one of ``banned`` (an attribute, an
    imported name, a string), or imports by name at run time (importlib, __import__); None if
    nowhere. Plain getattr/setattr stay allowed: building layers with setattr is normal here."""
    docstrings = {id(n.value) for n in ast.walk(tree)
                  if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, ast.Import | ast.ImportFrom):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module or ""])
            root = [mod.split(".")[0] for mod in mods]
            if any(r in modules | {"importlib"} for r in root):
                return f"an import of {mods[0]} at line {line}"
            if isinstance(node, ast.ImportFrom) and any(a.name in banned for a in node.names):
                return f"an import of {[a.name for a in node.names if a.name in banned][0]} at line {line}"
        elif isinstance(node, ast.Attribute) and node.attr in banned | modules:
            return f"'{node.attr}' at line {line}"
        elif isinstance(node, ast.Name) and node.id in modules | {"__import__", "importlib"}:
            return f"'{node.id}' at line {line}"
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings
              and node.value.strip().split(".")[0] in banned | modules):
            return f"the string {node.value[:40]!r} at line {line}"
    return None


@source_probe
def builds_it_itself(source):
    "the file builds the network itself: it does not import torchvision"
    tree, why = parse_source(source)
    if tree is None:
        return why
    where = _reaches(tree, set(), {"torchvision"})
    if where:
        return (f"found {where}: write BasicBlock and ResNet yourself (torchvision is only the "
                "reference the tests compare with)")
    return None
