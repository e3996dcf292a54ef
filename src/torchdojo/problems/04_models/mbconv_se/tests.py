"""Probes for mbconv_se: MBConv's state_dict (expand ratio 1 and 6), use_residual, depthwise
groups and parameter counts; seeded weights loaded strictly and the outputs, gradients, running
statistics and one SGD step compared with the reference; the skip seen directly (projection
zeroed, a stride-2 block on a 1x1 map); SqueezeExcite's gates; and replace_classifier on
torchvision's efficientnet_b0(weights=None)."""

import ast

import torch

from torchdojo.probes import compare, parse_source, probe, source_probe

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _bn(prefix: str, c: int) -> list[tuple[str, tuple[int, ...]]]:
    return [(f"{prefix}.weight", (c,)), (f"{prefix}.bias", (c,)),
            (f"{prefix}.running_mean", (c,)), (f"{prefix}.running_var", (c,)),
            (f"{prefix}.num_batches_tracked", ())]


def _spec(in_ch, out_ch, e, k, se_ratio=0.25) -> list[tuple[str, tuple[int, ...]]]:
    """The keys and shapes the statement fixes for MBConv(in_ch, out_ch, e, k, stride, se_ratio)."""
    h, q = in_ch * e, max(1, int(in_ch * se_ratio))
    spec = [("expand.0.weight", (h, in_ch, 1, 1)), *_bn("expand.1", h)] if e != 1 else []
    return spec + [("depthwise.0.weight", (h, 1, k, k)), *_bn("depthwise.1", h),
                   ("se.fc1.weight", (q, h, 1, 1)), ("se.fc1.bias", (q,)),
                   ("se.fc2.weight", (h, q, 1, 1)), ("se.fc2.bias", (h,)),
                   ("project.0.weight", (out_ch, h, 1, 1)), *_bn("project.1", out_ch)]


def _weights(spec, seed: int) -> dict[str, torch.Tensor]:
    """Seeded values: He-scaled convs, BN affine and running stats off their defaults."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in spec:
        if key.endswith("num_batches_tracked"):
            sd[key] = torch.tensor(3)
        elif key.endswith("running_var"):
            sd[key] = 0.5 + torch.rand(shape, generator=g)
        elif len(shape) == 4:
            sd[key] = torch.randn(shape, generator=g) * (2 / (shape[1] * shape[2] * shape[3])) ** 0.5
        elif key.endswith(".weight"):
            sd[key] = 1 + 0.3 * torch.randn(shape, generator=g)
        else:  # biases, running means
            sd[key] = 0.3 * torch.randn(shape, generator=g)
    return sd


# --- structure ---------------------------------------------------------------------------------

def _structure(m, *args) -> dict:
    blk = m.MBConv(*args)
    return {"args": list(args),
            "state_dict": sorted((k, tuple(v.shape)) for k, v in blk.state_dict().items()),
            "parameters": sorted(n for n, _ in blk.named_parameters()),
            "buffers": sorted(n for n, _ in blk.named_buffers()),
            "use_residual": getattr(blk, "use_residual", None),
            "groups": blk.depthwise[0].groups}


def _structure_judge(got, ref):
    what = f"MBConv{tuple(ref['args'])}"
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
        return f"{what}: the running statistics must be buffers and everything else parameters"
    if got["groups"] != ref["groups"]:
        return (f"{what}: depthwise[0].groups is {got['groups']}, expected {ref['groups']} "
                "(one filter per channel)")
    ur = got["use_residual"]
    if type(ur) is not bool or ur != ref["use_residual"]:
        return f"{what}.use_residual should be the bool {ref['use_residual']}, got {ur!r}"
    return None


@probe(public=True, judge=_structure_judge)
def keys_expand1(m):
    "MBConv(8, 8, 1, 3, 1): state_dict keys and shapes (no expand stage), groups, use_residual"
    return _structure(m, 8, 8, 1, 3, 1)


@probe(judge=_structure_judge)
def keys_expand6(m):
    "MBConv(4, 6, 6, 5, 2): state_dict keys and shapes, depthwise groups, use_residual"
    return _structure(m, 4, 6, 6, 5, 2)


@probe(judge=_structure_judge)
def keys_strided_same_width(m):
    "MBConv(8, 8, 4, 3, 2): keys, and use_residual for a strided block that keeps the width"
    return _structure(m, 8, 8, 4, 3, 2)


_CONFIGS = [(8, 8, 1, 3, 1), (4, 6, 6, 5, 2), (16, 16, 4, 3, 1, 0.5), (3, 5, 2, 3, 1, 0.1),
            (24, 40, 6, 5, 2)]


def _counts_judge(got, ref):
    if not isinstance(got, list) or len(got) != len(ref):
        return f"expected a list of {len(ref)} parameter counts"
    for cfg, g, r in zip(_CONFIGS, got, ref, strict=True):
        if g != r:
            return f"MBConv{cfg} has {g} parameters, expected {r}"
    return None


@probe(judge=_counts_judge)
def parameter_counts(m):
    "parameter counts of five MBConv configurations (expand 1/2/4/6, stride 1/2, se_ratio 0.25/0.5/0.1)"
    return [sum(p.numel() for p in m.MBConv(*cfg).parameters()) for cfg in _CONFIGS]


# --- behaviour with loaded weights -------------------------------------------------------------

_WHAT = {
    "out": "the output",
    "unchanged": None,
    "input_grad": "the gradient with respect to the input",
    "grads": "a parameter's gradient",
    "buffers": "the BatchNorm running statistics after the forward pass",
    "after_step": "the parameters after one SGD step",
}


def _behaviour_judge(where: str, explain: str = ""):
    def judge(got, ref):
        for key, text in _WHAT.items():
            if key not in ref:
                continue
            msg = compare(got.get(key), ref[key], path=key, **TOL)
            if msg and text is None:
                return f"{where}: the input tensor was modified in place"
            if msg:
                return f"{where}: {text} differs from the reference{explain}: {msg}"
        return None

    return judge


def _run(m, args: tuple, shape: tuple[int, ...], train: bool, seed: int,
         zero_project: bool = False, channels_last: bool = False) -> dict:
    in_ch, out_ch, e, k = args[:4]
    blk = m.MBConv(*args)
    sd = _weights(_spec(in_ch, out_ch, e, k, *args[5:]), seed)
    if zero_project:  # the projection's BN then outputs exactly its zero beta
        sd["project.1.weight"].zero_()
        sd["project.1.bias"].zero_()
    blk.load_state_dict(sd, strict=True)
    blk.train(train)
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(shape, generator=g)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    before = x.clone()
    x.requires_grad_(True)
    out = blk(x)
    (out * torch.randn(out.shape, generator=g)).sum().backward()
    obs = {"out": out.detach(), "unchanged": bool(torch.equal(x.detach(), before)),
           "input_grad": x.grad, "grads": {n: p.grad for n, p in blk.named_parameters()}}
    if train:
        obs["buffers"] = {n: b.clone() for n, b in blk.named_buffers()}
        torch.optim.SGD(blk.parameters(), lr=0.1).step()
        obs["after_step"] = {n: p.detach().clone() for n, p in blk.named_parameters()}
    return obs


@probe(public=True, judge=_behaviour_judge("MBConv(4, 4, 6, 3, 1), train mode, input (2, 4, 7, 6)"))
def train_residual(m):
    "MBConv(4, 4, 6, 3, 1) with seeded weights, train mode: output, gradients, running stats, SGD step"
    return _run(m, (4, 4, 6, 3, 1), (2, 4, 7, 6), train=True, seed=41)


@probe(judge=_behaviour_judge("MBConv(8, 8, 1, 3, 1), train mode, input (2, 8, 5, 5)"))
def train_expand1(m):
    "MBConv(8, 8, 1, 3, 1) (no expand stage) with seeded weights, train mode"
    return _run(m, (8, 8, 1, 3, 1), (2, 8, 5, 5), train=True, seed=42)


@probe(judge=_behaviour_judge("MBConv(4, 8, 6, 5, 2), eval mode, channels_last input (1, 4, 9, 9)"))
def eval_stride2_batch1(m):
    "MBConv(4, 8, 6, 5, 2) with seeded weights, eval mode, batch 1, odd channels_last input 9x9"
    return _run(m, (4, 8, 6, 5, 2), (1, 4, 9, 9), train=False, seed=43, channels_last=True)


@probe(judge=_behaviour_judge("MBConv(6, 6, 2, 3, 1, 0.5), train mode, input (3, 6, 4, 7)"))
def train_other_se_ratio(m):
    "MBConv(6, 6, 2, 3, 1, se_ratio=0.5) with seeded weights, train mode"
    return _run(m, (6, 6, 2, 3, 1, 0.5), (3, 6, 4, 7), train=True, seed=44)


def _skip_judge(got, ref):
    for key, text in (("residual", "MBConv(4, 4, 6, 3, 1) with project.1's weight and bias "
                                   "zero, eval mode, should return its input (the skip)"),
                      ("no_residual", "MBConv(4, 6, 6, 3, 1) with project.1's weight and bias "
                                      "zero, eval mode, should return zeros (no skip when "
                                      "in_ch != out_ch)")):
        msg = compare(got.get(key), ref[key], **TOL)
        if msg:
            return f"{text}: {msg}"
    return None


@probe(judge=_skip_judge)
def skip_seen_directly(m):
    "with the projection BN's weight and bias zero (eval mode): a residual block returns its input, a non-residual one zeros"
    return {"residual": _run(m, (4, 4, 6, 3, 1), (2, 4, 5, 5), False, 45, zero_project=True)["out"],
            "no_residual": _run(m, (4, 6, 6, 3, 1), (2, 4, 5, 5), False, 46,
                                zero_project=True)["out"]}


@probe(judge=_behaviour_judge("MBConv(8, 8, 1, 3, 2), eval mode, input (2, 8, 1, 1)",
                              " (stride 2 means no skip, even when the shape happens to match)"))
def strided_on_1x1_has_no_skip(m):
    "MBConv(8, 8, 1, 3, 2) on a 1x1 map (the shape is kept): output and gradients with seeded weights"
    return _run(m, (8, 8, 1, 3, 2), (2, 8, 1, 1), train=False, seed=47)


def _se_judge(got, ref):
    out, gate = got.get("out"), got.get("gate")
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != tuple(ref["out"].shape):
        return f"SqueezeExcite(6, 2) should return a tensor of shape {tuple(ref['out'].shape)}"
    if isinstance(gate, torch.Tensor) and gate.shape == ref["gate"].shape:
        if not bool(((gate > 0) & (gate < 1)).all()):
            return "SqueezeExcite's gates (output / input) must lie in (0, 1): use a sigmoid"
        spread = (gate.amax(dim=(2, 3)) - gate.amin(dim=(2, 3))).max()
        if float(spread) > 1e-4:
            return "SqueezeExcite's gate must be one value per sample and channel (constant over H, W)"
    for key in ("out", "input_grad", "grads"):
        msg = compare(got.get(key), ref[key], path=key, **TOL)
        if msg:
            return f"SqueezeExcite(6, 2) with seeded weights: {msg}"
    return None


@probe(judge=_se_judge)
def squeeze_excite_alone(m):
    "SqueezeExcite(6, 2) with seeded weights on (3, 6, 5, 4): output, gates in (0, 1) per sample and channel, gradients"
    se = m.SqueezeExcite(6, 2)
    spec = [("fc1.weight", (2, 6, 1, 1)), ("fc1.bias", (2,)), ("fc2.weight", (6, 2, 1, 1)),
            ("fc2.bias", (6,))]
    se.load_state_dict(_weights(spec, 48), strict=True)
    g = torch.Generator().manual_seed(49)
    # Samples with very different channel means, away from zero (the gate is out / x).
    x = (torch.rand(3, 6, 5, 4, generator=g) + 0.5) * torch.tensor([1.0, -2.0, 3.0]).view(3, 1, 1, 1)
    x.requires_grad_(True)
    out = se(x)
    (out * torch.randn(out.shape, generator=g)).sum().backward()
    return {"out": out.detach(), "gate": (out / x).detach(), "input_grad": x.grad,
            "grads": {n: p.grad for n, p in se.named_parameters()}}


# --- replace_classifier ------------------------------------------------------------------------

def _head_judge(got, ref):
    if not got["same_object"]:
        return "replace_classifier must modify and return the model it was given, not a new one"
    for key, text in (("classifier_types", "model.classifier should still be (Dropout, Linear)"),
                      ("dropout_p", "the dropout before the head must stay as it was"),
                      ("features", "classifier[1] should be Linear(1280, num_classes) with bias"),
                      ("keys", "state_dict keys and shapes after the replacement")):
        msg = compare(got[key], ref[key])
        if msg:
            return f"{text}: {msg}"
    if got["changed"]:
        return (f"{len(got['changed'])} tensor(s) outside classifier.1 changed or were replaced, "
                f"e.g. {got['changed'][0]}: keep the backbone as it is")
    if not got["head_trainable"]:
        return "the new head's parameters must require grad"
    if not got["default_init"]:
        return "the new head should have PyTorch's default initialisation (a fresh nn.Linear)"
    return compare(got["logits_shape"], ref["logits_shape"], path="logits shape")


@probe(judge=_head_judge)
def replace_head(m):
    "replace_classifier(efficientnet_b0(weights=None), 5): same object, new classifier[1], backbone untouched, logits (2, 5)"
    import torchvision  # inside the probe: the worker loads tests.py without torchvision

    torch.manual_seed(0)
    model = torchvision.models.efficientnet_b0(weights=None).eval()
    before = {k: v.clone() for k, v in model.state_dict().items()
              if not k.startswith("classifier.")}
    out = m.replace_classifier(model, 5)
    head = model.classifier[1]
    after = model.state_dict()
    changed = [k for k, copy in before.items() if k not in after or not torch.equal(after[k], copy)]
    bound = 1 / 1280 ** 0.5
    w = getattr(head, "weight", None)
    default_init = (isinstance(w, torch.Tensor) and w.shape == (5, 1280)
                    and float(w.detach().abs().max()) <= bound and float(w.detach().std()) > bound / 4)
    with torch.no_grad():
        logits = model(torch.randn(2, 3, 32, 32))
    return {"same_object": out is model,
            "classifier_types": [type(c).__name__ for c in model.classifier],
            "dropout_p": float(getattr(model.classifier[0], "p", -1.0)),
            "features": [getattr(head, "in_features", None), getattr(head, "out_features", None),
                         getattr(head, "bias", None) is not None],
            "keys": sorted((k, tuple(v.shape)) for k, v in after.items()),
            "changed": changed,
            "head_trainable": all(p.requires_grad for p in head.parameters()),
            "default_init": bool(default_init),
            "logits_shape": list(logits.shape)}


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
def written_by_hand(source):
    "SqueezeExcite and MBConv are written by hand, not taken from torchvision"
    tree, why = parse_source(source)
    if tree is None:
        return why
    where = _reaches(tree, {"SqueezeExcitation", "MBConv", "Conv2dNormActivation"}, set())
    if where:
        return (f"found {where}: write SqueezeExcite and MBConv yourself (torchvision's "
                "SqueezeExcitation, MBConv and Conv2dNormActivation are what you are rebuilding)")
    return None
