"""Probes for batchnorm_from_scratch: the state_dict layout (parameters vs buffers), train-mode
outputs and running statistics over three SGD steps on (N, C), (N, C, L), (N, C, H, W) and
(N, C, D, H, W) inputs with default and non-default momentum/eps, eval mode, gradients, affine=False,
buffers free of autograd history, and a source check that no torch normalisation is called.

Every model is built from the signature the statement fixes and loaded with a state_dict made here
from a seeded generator (strict=True); the observations are compared with the reference's."""

import math

import torch

from torchdojo.probes import compare, parse_source, probe, shortcut, source_probe

RTOL, ATOL = 1e-3, 1e-4


def _close(got, ref, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """compare() with atol scaled by the reference's magnitude (gradients can be large)."""
    if isinstance(ref, dict) and "__ndarray__" not in ref and isinstance(got, dict):
        for k, r in ref.items():
            msg = _close(got.get(k), r, rtol, atol)
            if msg:
                return f"[{k!r}]: {msg}"
        extra = sorted(str(k) for k in got if k not in ref)
        return f"unexpected key(s) {extra}" if extra else None
    if isinstance(ref, torch.Tensor) and ref.is_floating_point() and ref.numel():
        atol = atol * max(1.0, float(ref.abs().max()))
    return compare(got, ref, rtol=rtol, atol=atol)
BUFFERS = ("running_mean", "running_var", "num_batches_tracked")

# torch's own normalisation code, under every name that reaches it
BANNED = {
    "batch_norm", "native_batch_norm", "_native_batch_norm_legit",
    "_native_batch_norm_legit_no_training", "_batch_norm_impl_index", "batch_norm_elemt",
    "batch_norm_stats", "batch_norm_gather_stats", "batch_norm_update_stats", "cudnn_batch_norm",
    "miopen_batch_norm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d",
    "LazyBatchNorm2d", "LazyBatchNorm3d", "SyncBatchNorm", "_BatchNorm", "_NormBase",
    "_LazyNormBase", "batchnorm", "instance_norm", "InstanceNorm1d", "InstanceNorm2d",
    "InstanceNorm3d", "instancenorm", "group_norm", "native_group_norm", "GroupNorm",
    "layer_norm", "native_layer_norm", "LayerNorm", "rms_norm", "RMSNorm", "normalization",
}


def _state(c: int, affine: bool = True, seed: int = 0) -> dict[str, torch.Tensor]:
    """A seeded state_dict with the keys, shapes and dtypes of nn.BatchNorm1d(c)."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    if affine:
        sd["weight"] = 1 + 0.3 * torch.randn(c, generator=g)
        sd["bias"] = 0.3 * torch.randn(c, generator=g)
    sd["running_mean"] = 0.5 * torch.randn(c, generator=g)
    sd["running_var"] = 0.5 + torch.rand(c, generator=g)
    sd["num_batches_tracked"] = torch.tensor(7)
    return sd


def _input(shape: tuple[int, ...], seed: int, channels_last: bool = False) -> torch.Tensor:
    """Seeded input whose channels have very different scales (std 0.05 ... 4) and offsets."""
    g = torch.Generator().manual_seed(seed)
    c = shape[1]
    view = (1, c) + (1,) * (len(shape) - 2)
    scale = torch.exp(torch.linspace(math.log(0.05), math.log(4.0), c)).view(view)
    shift = torch.linspace(-2.0, 3.0, c).view(view)
    x = torch.randn(shape, generator=g) * scale + shift
    return x.to(memory_format=torch.channels_last) if channels_last else x


def _buffers(bn) -> dict[str, torch.Tensor]:
    sd = bn.state_dict()
    return {k: sd[k].clone() for k in BUFFERS}


def _step(bn, x: torch.Tensor, seed: int) -> dict:
    """One forward and a seeded loss's backward; output, buffers and every gradient."""
    x = x.detach().requires_grad_()
    y = bn(x)
    w = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed + 1000))
    (y * w).sum().backward()
    return {"out": y.detach().clone(), **_buffers(bn), "x_grad": x.grad,
            "grads": {n: p.grad for n, p in bn.named_parameters()}}


def _run(m, c: int, shapes: list[tuple[int, ...]], eval_shape: tuple[int, ...], seed: int,
         channels_last: bool = False, affine: bool = True, **kwargs) -> dict:
    """Three train steps with SGD(lr=0.1), then one eval-mode forward/backward."""
    bn = m.MyBatchNorm(c, affine=affine, **kwargs)
    bn.load_state_dict(_state(c, affine, seed), strict=True)
    params = list(bn.parameters())
    opt = torch.optim.SGD(params, lr=0.1) if params else None
    bn.train()
    steps = []
    for i, shape in enumerate(shapes):
        if opt:
            opt.zero_grad()
        obs = _step(bn, _input(shape, seed + i, channels_last and len(shape) == 4), seed + i)
        if opt:
            opt.step()
        obs["params"] = {n: p.detach().clone() for n, p in bn.named_parameters()}
        steps.append(obs)
    if opt:
        opt.zero_grad()
    bn.eval()
    ev = _step(bn, _input(eval_shape, seed + 50, channels_last and len(eval_shape) == 4),
               seed + 50)
    return {"steps": steps, "eval": ev}


_WHAT = {
    "out": "the output",
    "running_mean": "running_mean",
    "running_var": "running_var",
    "num_batches_tracked": "num_batches_tracked",
    "x_grad": "the gradient with respect to the input",
    "grads": "the gradients of the parameters",
    "params": "the parameters after the SGD step",
}


def _judge_run(got, ref):
    if not isinstance(got, dict) or not isinstance(got.get("steps"), list):
        return f"could not read the observation (got {type(got).__name__})"
    for i, r in enumerate(ref["steps"]):
        g = got["steps"][i]
        for key, what in _WHAT.items():
            if key in r:
                msg = _close(g.get(key), r[key])
                if msg:
                    return f"train step {i + 1}: {what} is wrong: {msg}"
    for key, what in _WHAT.items():
        if key in ref["eval"]:
            msg = _close(got["eval"].get(key), ref["eval"][key])
            if msg:
                extra = " (eval mode must not update the buffers)" if key in BUFFERS else ""
                return f"eval mode: {what} is wrong{extra}: {msg}"
    return None


def _judge_layout(got, ref):
    for key, what in [("params", "parameter names"), ("buffers", "buffer names"),
                      ("state", "state_dict keys, shapes and dtypes"),
                      ("init", "initial state_dict values"),
                      ("weight_bias", "self.weight / self.bias")]:
        msg = compare(got.get(key), ref[key])
        if msg and key == "init":
            return f"{what}: {msg}"
        if msg:
            return f"{what}: expected {ref[key]!r}, got {got.get(key)!r}"
    return None


def _layout(bn) -> dict:
    sd = bn.state_dict()
    return {
        "params": sorted(n for n, _ in bn.named_parameters()),
        "buffers": sorted(n for n, _ in bn.named_buffers()),
        "state": {k: (tuple(v.shape), str(v.dtype)) for k, v in sorted(sd.items())},
        "init": {k: v.clone() for k, v in sd.items()},
        "weight_bias": [None if t is None else type(t).__name__
                        for t in (getattr(bn, "weight", "missing"), getattr(bn, "bias", "missing"))],
    }


@probe(public=True, judge=_judge_layout)
def layout(m):
    "MyBatchNorm(6): parameter and buffer names, state_dict keys/shapes/dtypes and initial values"
    return _layout(m.MyBatchNorm(6))


@probe(public=True, judge=_judge_run)
def train_2d_default(m):
    "(8, 4) inputs, default eps/momentum: 3 train steps (outputs, buffers, gradients, SGD) and eval"
    return _run(m, 4, [(8, 4)] * 3, (5, 4), seed=1)


@probe(judge=_judge_run)
def train_3d_momentum_eps(m):
    "(N, C, L) inputs, momentum=0.3, eps=1e-3: 3 train steps and eval"
    return _run(m, 3, [(5, 3, 7), (4, 3, 9), (6, 3, 2)], (3, 3, 5), seed=2, momentum=0.3,
                eps=1e-3)


@probe(judge=_judge_run)
def train_4d_channels_last(m):
    "(N, C, H, W) channels_last inputs, momentum=0.05, eps=1e-4: 3 train steps and eval"
    return _run(m, 5, [(4, 5, 3, 6), (2, 5, 5, 5), (3, 5, 4, 3)], (2, 5, 3, 3), seed=3,
                channels_last=True, momentum=0.05, eps=1e-4)


@probe(judge=_judge_run)
def batch_of_two(m):
    "(2, 5) inputs (unbiased and biased variance differ by 2x): 3 train steps and eval"
    return _run(m, 5, [(2, 5)] * 3, (4, 5), seed=4, momentum=0.2)


def _judge_odd(got, ref):
    for key in ref:
        msg = _judge_run(got.get(key), ref[key])
        if msg:
            return f"{key}: {msg}"
    return None


@probe(judge=_judge_odd)
def odd_shapes(m):
    "one channel (N, 1, L), 1x1 spatial maps (N, C, 1, 1) and a 5-d (N, C, D, H, W) input"
    return {
        "one_channel": _run(m, 1, [(3, 1, 5)] * 3, (2, 1, 4), seed=5, momentum=0.5),
        "one_by_one": _run(m, 3, [(6, 3, 1, 1)] * 3, (2, 3, 1, 1), seed=6),
        "five_d": _run(m, 2, [(2, 2, 3, 2, 4)] * 3, (1, 2, 2, 2, 2), seed=7, eps=1e-2),
    }


def _judge_eval(got, ref):
    for key in ("out_first", "out_second", "x_grad", "buffers"):
        msg = _close(got.get(key), ref[key])
        if msg:
            what = {"buffers": "the buffers after two eval-mode calls (eval must not change "
                               "them)",
                    "x_grad": "the eval-mode gradient with respect to the input"}.get(
                        key, "the eval-mode output (it must use running_mean/running_var)")
            return f"{what}: {msg}"
    return None


@probe(judge=_judge_eval)
def eval_uses_running_stats(m):
    "eval mode on a loaded state: outputs use the running statistics, nothing is updated"
    bn = m.MyBatchNorm(4, eps=1e-3, momentum=0.3)
    bn.load_state_dict(_state(4, seed=8), strict=True)
    bn.eval()
    first = _step(bn, _input((6, 4, 3, 3), 8, channels_last=True), 8)
    second = bn(_input((3, 4), 9)).detach()
    return {"out_first": first["out"], "out_second": second, "x_grad": first["x_grad"],
            "buffers": _buffers(bn)}


def _judge_no_affine(got, ref):
    msg = _judge_layout(got["layout"], ref["layout"])
    return f"affine=False: {msg}" if msg else _judge_run(got["run"], ref["run"])


@probe(judge=_judge_no_affine)
def no_affine(m):
    "affine=False: weight and bias are None, no parameters; outputs in train and eval mode"
    return {"layout": _layout(m.MyBatchNorm(3, affine=False)),
            "run": _run(m, 3, [(6, 3, 4)] * 3, (2, 3, 4), seed=10, affine=False, momentum=0.4)}


def _judge_history(got, ref):
    for when in ("after_train", "after_eval"):
        bad = [k for k, (rg, fn) in got[when].items() if rg or fn]
        if bad:
            return (f"{when.replace('_', ' ')}: buffer {bad[0]} carries autograd history "
                    "(requires_grad or a grad_fn); update the running statistics without "
                    "recording a graph")
    return None


@probe(judge=_judge_history)
def buffers_no_history(m):
    "after forward passes on inputs that require grad, the buffers have no autograd history"
    bn = m.MyBatchNorm(3)
    x = _input((4, 3, 2), 11).requires_grad_()
    bn(x)
    bn(x * 2)
    after_train = {k: (b.requires_grad, b.grad_fn is not None) for k, b in bn.named_buffers()}
    bn.eval()
    bn(x)
    after_eval = {k: (b.requires_grad, b.grad_fn is not None) for k, b in bn.named_buffers()}
    return {"after_train": after_train, "after_eval": after_eval}


@source_probe
def no_torch_normalisation(source):
    "the source calls none of torch's batch/instance/group/layer normalisation code"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, BANNED)
    if found:
        return (f"found {found}: write the normalisation yourself with mean, var and "
                "arithmetic (torch's normalisation functions and layers are not allowed)")
    return None
