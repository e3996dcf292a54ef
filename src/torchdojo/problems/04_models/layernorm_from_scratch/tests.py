"""Probes for layernorm_from_scratch: the parameters (no buffers) and normalized_shape, outputs in
train and eval mode, gradients and an SGD step for int and tuple normalized_shape, non-default eps,
a batch of one, elementwise_affine=False, a transposed input, values far from zero, and a source
check that no torch normalisation is called.

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

# torch's own normalisation code, under every name that reaches it
BANNED = {
    "layer_norm", "native_layer_norm", "LayerNorm", "group_norm", "native_group_norm",
    "GroupNorm", "instance_norm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
    "batch_norm", "native_batch_norm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "rms_norm",
    "RMSNorm", "normalization", "instancenorm", "batchnorm",
}


def _shape(ns) -> tuple[int, ...]:
    return (ns,) if isinstance(ns, int) else tuple(ns)


def _state(ns, seed: int) -> dict[str, torch.Tensor]:
    """A seeded state_dict with the keys and shapes of nn.LayerNorm(ns)."""
    g = torch.Generator().manual_seed(seed)
    return {"weight": 1 + 0.3 * torch.randn(_shape(ns), generator=g),
            "bias": 0.3 * torch.randn(_shape(ns), generator=g)}


def _input(shape: tuple[int, ...], k: int, seed: int) -> torch.Tensor:
    """Seeded input; each sample (over the last k axes) gets its own scale (0.05 ... 5) and offset."""
    g = torch.Generator().manual_seed(seed)
    lead = shape[: len(shape) - k]
    rows = math.prod(lead)
    scale = torch.exp(torch.linspace(math.log(0.05), math.log(5.0), rows)).view(*lead, *[1] * k)
    shift = torch.linspace(-3.0, 4.0, rows).view(*lead, *[1] * k)
    return torch.randn(shape, generator=g) * scale + shift


def _observe(m, ns, x: torch.Tensor, seed: int, affine: bool = True, **kwargs) -> dict:
    """Train- and eval-mode outputs, the gradients of a seeded loss, the parameters after SGD."""
    ln = m.MyLayerNorm(ns, elementwise_affine=affine, **kwargs)
    if affine:
        ln.load_state_dict(_state(ns, seed), strict=True)
    params = list(ln.parameters())
    opt = torch.optim.SGD(params, lr=0.1) if params else None
    ln.train()
    x = x.detach().requires_grad_()
    y = ln(x)
    w = torch.randn(y.shape, generator=torch.Generator().manual_seed(seed + 1000))
    (y * w).sum().backward()
    obs = {"out": y.detach().clone(), "x_grad": x.grad,
           "grads": {n: p.grad.clone() for n, p in ln.named_parameters() if p.grad is not None}}
    ln.eval()
    with torch.no_grad():
        obs["out_eval"] = ln(x).clone()
    if opt:
        opt.step()
    obs["params"] = {n: p.detach().clone() for n, p in ln.named_parameters()}
    return obs


_WHAT = {
    "out": "the output (train mode)",
    "out_eval": "the output in eval mode",
    "x_grad": "the gradient with respect to the input",
    "grads": "the gradients of weight and bias",
    "params": "the parameters after the SGD step",
}


def _judge_with(rtol: float, atol: float):
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"could not read the observation (got {type(got).__name__})"
        for case, r in ref.items():
            g = got.get(case)
            if not isinstance(g, dict):
                return f"{case}: could not read the observation"
            for key, what in _WHAT.items():
                msg = _close(g.get(key), r[key], rtol, atol)
                if msg:
                    return f"{case}: {what} is wrong: {msg}"
        return None

    return judge


_judge = _judge_with(RTOL, ATOL)


def _judge_layout(got, ref):
    for key in ref:
        msg = compare(got.get(key), ref[key])
        if msg:
            if key.endswith("init"):
                return f"{key}: {msg}"
            return f"{key}: expected {ref[key]!r}, got {got.get(key)!r}"
    return None


def _layout(ln, name: str) -> dict:
    sd = ln.state_dict()
    ns = getattr(ln, "normalized_shape", None)
    return {
        f"{name} parameter names": sorted(n for n, _ in ln.named_parameters()),
        f"{name} buffer names": sorted(n for n, _ in ln.named_buffers()),
        f"{name} state_dict": {k: (tuple(v.shape), str(v.dtype)) for k, v in sorted(sd.items())},
        f"{name} init": {k: v.clone() for k, v in sd.items()},
        f"{name} .normalized_shape": (type(ns).__name__,
                                     list(ns) if isinstance(ns, tuple | list) else repr(ns)),
        f"{name} .weight/.bias": [None if t is None else type(t).__name__
                                  for t in (getattr(ln, "weight", "missing"),
                                            getattr(ln, "bias", "missing"))],
    }


@probe(public=True, judge=_judge_layout)
def layout(m):
    "MyLayerNorm((3, 4)) and MyLayerNorm(5): parameters, no buffers, initial values, normalized_shape"
    return {**_layout(m.MyLayerNorm((3, 4)), "MyLayerNorm((3, 4))"),
            **_layout(m.MyLayerNorm(5), "MyLayerNorm(5)")}


@probe(public=True, judge=_judge)
def last_dim_int(m):
    "MyLayerNorm(6) on (4, 6): outputs (train and eval), gradients, SGD step"
    return {"(4, 6)": _observe(m, 6, _input((4, 6), 1, 1), seed=1)}


@probe(judge=_judge)
def two_trailing_dims(m):
    "MyLayerNorm((5, 6), eps=1e-3) on (3, 4, 5, 6): statistics over the last two axes"
    return {"(3, 4, 5, 6)": _observe(m, (5, 6), _input((3, 4, 5, 6), 2, 2), seed=2, eps=1e-3),
            "list [2, 3]": _observe(m, [2, 3], _input((4, 2, 3), 2, 3), seed=3)}


@probe(judge=_judge)
def sequence_eps(m):
    "MyLayerNorm(8, eps=0.05) on (2, 7, 8) with rows of very different scales"
    return {"(2, 7, 8)": _observe(m, 8, _input((2, 7, 8), 1, 4), seed=4, eps=0.05)}


@probe(judge=_judge)
def batch_of_one(m):
    "a batch of one sample (1, 10), and normalized_shape=1 on (3, 1)"
    return {"(1, 10)": _observe(m, 10, _input((1, 10), 1, 5), seed=5),
            "normalized_shape=1": _observe(m, 1, _input((3, 1), 1, 6), seed=6, eps=1e-2)}


def _judge_no_affine(got, ref):
    msg = _judge_layout(got["layout"], ref["layout"])
    return msg or _judge({"elementwise_affine=False": got["run"]},
                         {"elementwise_affine=False": ref["run"]})


@probe(judge=_judge_no_affine)
def no_affine(m):
    "elementwise_affine=False: no parameters, weight/bias None; outputs and input gradient"
    ns = (4, 3)
    return {"layout": _layout(m.MyLayerNorm(ns, elementwise_affine=False), "no-affine"),
            "run": _observe(m, ns, _input((5, 4, 3), 2, 7), seed=7, affine=False)}


@probe(judge=_judge)
def transposed_input(m):
    "non-contiguous inputs: a transposed (6, 5) and a permuted (2, 3, 7) tensor"
    return {"x.t()": _observe(m, 5, _input((5, 6), 1, 8).t(), seed=8),
            "x.permute": _observe(m, 7, _input((7, 2, 3), 1, 9).permute(1, 2, 0), seed=9)}


@probe(judge=_judge_with(2e-3, 2e-3))
def far_from_zero(m):
    "values with mean 300 and std 0.5 are normalised accurately (to 2e-3)"
    g = torch.Generator().manual_seed(10)
    x = torch.randn(4, 64, generator=g) * 0.5 + 300
    return {"mean 300, std 0.5": _observe(m, 64, x, seed=10)}


@source_probe
def no_torch_normalisation(source):
    "the source calls none of torch's layer/group/instance/batch normalisation code"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, BANNED)
    if found:
        return (f"found {found}: write the normalisation yourself with mean and arithmetic "
                "(torch's normalisation functions and layers are not allowed)")
    return None
