"""Probes for linear_from_scratch: what the module holds (Parameters, names, shapes, the empty
bias slot), the initial values under a seed (compared with the reference's, which are
nn.Linear's), reset_parameters in place, and with loaded weights the outputs for 1-D, 2-D, 3-D
and non-contiguous inputs and the gradients."""

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _randn(*shape: int, seed: int, **kw) -> torch.Tensor:
    """Seeded input from a generator of its own: what the learner's code draws from the global
    generator (weight init) does not change the inputs."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), **kw)


def _structure(layer: nn.Module) -> dict:
    params = dict(layer.named_parameters())
    return {
        "params": {n: {"shape": list(p.shape), "parameter": isinstance(p, nn.Parameter),
                       "requires_grad": p.requires_grad} for n, p in params.items()},
        "state_dict": {k: list(v.shape) for k, v in layer.state_dict().items()},
        "sizes": [getattr(layer, "in_features", None), getattr(layer, "out_features", None)],
        "bias_is_none": getattr(layer, "bias", "missing") is None,
        "bias_registered": "bias" in layer._parameters,
    }


def _structure_judge(got, ref):
    if got["params"] != ref["params"]:
        want = {n: tuple(v["shape"]) for n, v in ref["params"].items()}
        have = {n: (tuple(v["shape"]), "Parameter" if v["parameter"] else "not a Parameter",
                    "requires_grad" if v["requires_grad"] else "frozen")
                for n, v in got["params"].items()}
        return f"named_parameters(): expected {want} (trainable Parameters), got {have}"
    if got["state_dict"] != ref["state_dict"]:
        return f"state_dict: expected {ref['state_dict']}, got {got['state_dict']}"
    if got["sizes"] != ref["sizes"]:
        return (f"(in_features, out_features): expected {tuple(ref['sizes'])}, got "
                f"{tuple(got['sizes'])}")
    if got["bias_is_none"] != ref["bias_is_none"]:
        return f"layer.bias is None: expected {ref['bias_is_none']}, got {got['bias_is_none']}"
    if got["bias_registered"] != ref["bias_registered"]:
        return ("with bias=False, 'bias' must be a registered empty parameter slot "
                "(register_parameter('bias', None)), not a plain attribute")
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "MyLinear(5, 3): Parameters weight (3, 5) and bias (3,), state_dict keys, in/out_features"
    return _structure(m.MyLinear(5, 3))


@probe(judge=_structure_judge)
def structure_no_bias(m):
    "MyLinear(5, 3, bias=False): only weight; bias is None and registered as an empty slot"
    return _structure(m.MyLinear(5, 3, bias=False))


def _init(m, seed: int, i: int, o: int, bias: bool = True) -> dict:
    torch.manual_seed(seed)
    layer = m.MyLinear(i, o, bias=bias)
    return {"weight": layer.weight, "bias": layer.bias,
            "next_draw": torch.rand(3)}  # the generator's state after construction


def _init_judge(got, ref):
    if not isinstance(got, list) or len(got) != len(ref):
        return "could not read the initial values"
    for g, r in zip(got, ref, strict=True):
        where = r["shape"]
        for key in ("weight", "bias"):
            why = compare(g["init"][key], r["init"][key], rtol=1e-6, atol=1e-7)
            if why:
                return f"initial {key} of MyLinear{where} after torch.manual_seed: {why}"
        if compare(g["init"]["next_draw"], r["init"]["next_draw"]):
            return (f"after MyLinear{where} the global generator is not where nn.Linear leaves "
                    "it: the layer drew a different number of random values")
    return None


def _inits(m, cases) -> list[dict]:
    return [{"shape": f"({i}, {o}{'' if b else ', bias=False'})",
             "init": _init(m, s, i, o, b)} for s, i, o, b in cases]


@probe(public=True, judge=_init_judge)
def init_matches_seeded(m):
    "after torch.manual_seed(0): MyLinear(5, 3)'s weight and bias equal nn.Linear(5, 3)'s"
    return _inits(m, [(0, 5, 3, True)])


@probe(judge=_init_judge)
def init_shapes(m):
    "after a seed: the initial values of MyLinear(4, 4), (7, 2), (1, 4) and (64, 32)"
    return _inits(m, [(1, 4, 4, True), (2, 7, 2, True), (3, 1, 4, True), (4, 64, 32, True)])


@probe(judge=_init_judge)
def init_no_bias(m):
    "after a seed: MyLinear(6, 3, bias=False)'s weight, and nothing else drawn"
    return _inits(m, [(5, 6, 3, False)])


def _reset_judge(got, ref):
    if not got["same_objects"]:
        return ("reset_parameters() replaced the Parameter objects: refill them in place (an "
                "optimizer holds the old ones)")
    for key in ("weight", "bias"):
        why = compare(got[key], ref[key], rtol=1e-6, atol=1e-7)
        if why:
            return f"{key} after torch.manual_seed(7); reset_parameters(): {why}"
    return None


@probe(judge=_reset_judge)
def reset_in_place(m):
    "reset_parameters() under a new seed refills the same Parameters with nn.Linear's values"
    torch.manual_seed(6)
    layer = m.MyLinear(6, 5)
    before = [id(p) for p in layer.parameters()]
    torch.manual_seed(7)
    layer.reset_parameters()
    return {"weight": layer.weight, "bias": layer.bias,
            "same_objects": [id(p) for p in layer.parameters()] == before}


def _loaded(m, i: int, o: int, seed: int, bias: bool = True) -> nn.Module:
    """The learner's layer with seeded weights loaded strictly (a wrong structure raises)."""
    g = torch.Generator().manual_seed(seed)
    sd = {"weight": torch.randn(o, i, generator=g)}
    if bias:
        sd["bias"] = torch.randn(o, generator=g)
    layer = m.MyLinear(i, o, bias=bias)
    layer.load_state_dict(sd, strict=True)
    return layer


@probe(public=True, rtol=1e-5, atol=1e-6)
def forward_batch(m):
    "MyLinear(5, 3) with loaded weights: the output for a (4, 5) batch"
    return _loaded(m, 5, 3, seed=10)(_randn(4, 5, seed=1001))


@probe(rtol=1e-5, atol=1e-6)
def forward_vector(m):
    "a single vector (5,) gives an output of shape (3,)"
    return _loaded(m, 5, 3, seed=11)(_randn(5, seed=1002))


@probe(rtol=1e-5, atol=1e-6)
def forward_3d(m):
    "a (2, 7, 5) input gives (2, 7, 3): the layer acts on the last dimension"
    return _loaded(m, 5, 3, seed=12)(_randn(2, 7, 5, seed=1003))


@probe(rtol=1e-5, atol=1e-6)
def forward_square(m):
    "MyLinear(4, 4) with a non-symmetric loaded weight: the output for a (3, 4) batch"
    return _loaded(m, 4, 4, seed=13)(_randn(3, 4, seed=1004))


@probe(rtol=1e-5, atol=1e-6)
def forward_non_contiguous(m):
    "non-contiguous inputs: a transposed (6, 5) matrix and a (2, 3, 5) tensor with swapped leading dims"
    layer = _loaded(m, 5, 3, seed=14)
    a = _randn(5, 6, seed=1005).T  # (6, 5), strides (1, 6)
    b = _randn(3, 2, 5, seed=1006).transpose(0, 1)  # (2, 3, 5), leading dims not mergeable
    return {"transposed": layer(a), "swapped": layer(b)}


@probe(rtol=1e-5, atol=1e-6)
def forward_no_bias(m):
    "MyLinear(5, 3, bias=False) with a loaded weight: the output for a (4, 5) batch"
    return _loaded(m, 5, 3, seed=15, bias=False)(_randn(4, 5, seed=1007))


def _grads_judge(got, ref):
    for name in ref:
        if got.get(name) is None:
            return f"{name} has no gradient after backward"
        why = compare(got[name], ref[name], rtol=1e-5, atol=1e-6)
        if why:
            return f"gradient of {name}: {why}"
    return None


@probe(judge=_grads_judge)
def gradients(m):
    "a (2, 4, 5) input and a seeded loss sum(y * w): the gradients of weight, bias and input"
    layer = _loaded(m, 5, 3, seed=16)
    x = _randn(2, 4, 5, requires_grad=True, seed=1008)
    w = _randn(2, 4, 3, seed=1009)
    (layer(x) * w).sum().backward()
    return {"weight": layer.weight.grad, "bias": layer.bias.grad, "input": x.grad}
