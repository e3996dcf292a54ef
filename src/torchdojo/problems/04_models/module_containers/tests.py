"""Probes for module_containers. make_mlp: child names and types, state_dict keys and shapes,
parameter counts (also with nn.PReLU and a custom activation layer that has a parameter),
outputs with weights loaded strictly, ValueError for short sizes. MultiHead: state_dict keys,
the ModuleDict, outputs per task (also in float64), KeyError for an unknown task, gradients that
reach only the trunk and the used head, one SGD step."""

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised


def _randn(*shape: int, seed: int, **kw) -> torch.Tensor:
    """Seeded input from a generator of its own: what the learner's code draws from the global
    generator (weight init) does not change the inputs."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), **kw)


class _ScaledTanh(nn.Module):
    """A custom activation layer with a learnable scale (one per position)."""

    def __init__(self) -> None:
        super().__init__()
        self.alpha = nn.Parameter(torch.ones(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.alpha * torch.tanh(x)


def _mlp_spec(sizes: list[int], act_params: dict[str, tuple[int, ...]] | None = None
              ) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes for make_mlp(sizes)."""
    spec: dict[str, tuple[int, ...]] = {}
    n = len(sizes) - 1
    for i in range(n):
        spec[f"fc{i}.weight"] = (sizes[i + 1], sizes[i])
        spec[f"fc{i}.bias"] = (sizes[i + 1],)
        if i < n - 1:
            for name, shape in (act_params or {}).items():
                spec[f"act{i}.{name}"] = shape
    return spec


def _heads_spec(i: int, h: int, heads: dict[str, int]) -> dict[str, tuple[int, ...]]:
    spec = {"trunk.fc0.weight": (h, i), "trunk.fc0.bias": (h,)}
    for task, n_out in heads.items():
        spec[f"heads.{task}.weight"] = (n_out, h)
        spec[f"heads.{task}.bias"] = (n_out,)
    return spec


def _load(model: nn.Module, spec: dict[str, tuple[int, ...]], seed: int) -> nn.Module:
    """Seeded weights for the statement's keys, loaded strictly (a wrong structure raises)."""
    g = torch.Generator().manual_seed(seed)
    model.load_state_dict({k: torch.randn(s, generator=g) * 0.5 for k, s in spec.items()},
                          strict=True)
    return model


def _structure(model: nn.Module) -> dict:
    return {"modules": [[n, type(mod).__name__] for n, mod in model.named_modules()],
            "shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "n_params": sum(p.numel() for p in model.parameters())}


def _structure_judge(got, ref):
    if got.get("container") != ref.get("container"):
        return f"the model is a {got.get('container')}, expected a {ref.get('container')}"
    missing = [k for k in ref["shapes"] if k not in got["shapes"]]
    extra = [k for k in got["shapes"] if k not in ref["shapes"]]
    if missing or extra:
        msg = f"state_dict keys: missing {missing}, unexpected {extra}"
        if any(k.startswith("heads.") for k in missing):
            msg += ("; the heads are not registered (layers in a plain dict or list are "
                    "invisible to state_dict, parameters() and .to(): use nn.ModuleDict)")
        return msg
    for k, shape in ref["shapes"].items():
        if got["shapes"][k] != shape:
            return f"{k} has shape {tuple(got['shapes'][k])}, expected {tuple(shape)}"
    if got["modules"] != ref["modules"]:
        show = lambda mods: ", ".join(f"{n or '<root>'}:{t}" for n, t in mods)  # noqa: E731
        msg = f"named_modules() gives [{show(got['modules'])}], expected [{show(ref['modules'])}]"
        lost = {n for n, _ in ref["modules"]} - {n for n, _ in got["modules"]}
        if lost and all(n.split(".")[-1].startswith("act") for n in lost):
            msg += (" (named_modules() lists a module object once: is one act() instance "
                    "shared by several positions?)")
        return msg
    if got["n_params"] != ref["n_params"]:
        return (f"{got['n_params']} parameter elements, expected {ref['n_params']} (one act() "
                "instance per position: a shared instance shares its parameters)")
    for key in ("heads_type", "sizes_after"):
        if key in ref and got.get(key) != ref[key]:
            return f"{key}: expected {ref[key]}, got {got.get(key)}"
    return None


def _mlp_structure(m, sizes: list[int], **kw) -> dict:
    arg = list(sizes)
    model = m.make_mlp(arg, **kw)
    obs = _structure(model)
    obs["container"] = type(model).__name__
    obs["sizes_after"] = arg
    return obs


@probe(public=True, judge=_structure_judge)
def mlp_structure(m):
    "make_mlp([4, 8, 6, 3]): an nn.Sequential with children fc0, act0, fc1, act1, fc2; state_dict keys, shapes, 115 parameters"
    return _mlp_structure(m, [4, 8, 6, 3])


@probe(judge=_structure_judge)
def mlp_single_linear(m):
    "make_mlp([6, 2]): one Linear named fc0 and no activation"
    return _mlp_structure(m, [6, 2])


@probe(judge=_structure_judge)
def mlp_prelu(m):
    "make_mlp([3, 5, 5, 2], act=nn.PReLU): each position has its own PReLU (act0.weight, act1.weight)"
    return _mlp_structure(m, [3, 5, 5, 2], act=nn.PReLU)


@probe(judge=_structure_judge)
def mlp_custom_layer(m):
    "make_mlp([2, 4, 4, 4, 3], act=a custom layer with a parameter alpha): names, keys, parameter count"
    return _mlp_structure(m, [2, 4, 4, 4, 3], act=_ScaledTanh)


@probe(public=True, rtol=1e-5, atol=1e-6)
def mlp_output(m):
    "make_mlp([5, 7, 4, 3]) with loaded weights: the output for a seeded (6, 5) batch"
    model = _load(m.make_mlp([5, 7, 4, 3]), _mlp_spec([5, 7, 4, 3]), seed=1)
    return model(_randn(6, 5, seed=1001))


@probe(rtol=1e-5, atol=1e-6)
def mlp_output_tanh(m):
    "make_mlp([3, 6, 2], act=nn.Tanh) with loaded weights: the output for a seeded (4, 3) batch"
    model = _load(m.make_mlp([3, 6, 2], act=nn.Tanh), _mlp_spec([3, 6, 2]), seed=2)
    return model(_randn(4, 3, seed=1002) * 2)


@probe(rtol=1e-5, atol=1e-6)
def mlp_output_custom_layer(m):
    "make_mlp([2, 4, 4, 3], act=a custom layer) with loaded weights (alpha per position): the output"
    sizes = [2, 4, 4, 3]
    model = _load(m.make_mlp(sizes, act=_ScaledTanh), _mlp_spec(sizes, {"alpha": (1,)}),
                  seed=3)
    return model(_randn(5, 2, seed=1003))


@probe(rtol=1e-5, atol=1e-6)
def mlp_output_single_linear(m):
    "make_mlp([6, 2]) with loaded weights: a single affine map, no activation on the output"
    model = _load(m.make_mlp([6, 2]), _mlp_spec([6, 2]), seed=4)
    return model(_randn(3, 6, seed=1004))


@probe
def mlp_too_short(m):
    "make_mlp([3]) and make_mlp([]) raise ValueError"
    return {"[3]": raised(lambda: m.make_mlp([3])), "[]": raised(lambda: m.make_mlp([]))}


HEADS = {"cls": 4, "reg": 1, "seg": 3}


def _heads_model(m, seed: int) -> nn.Module:
    return _load(m.MultiHead(6, 10, dict(HEADS)), _heads_spec(6, 10, HEADS), seed=seed)


@probe(public=True, judge=_structure_judge)
def heads_structure(m):
    "MultiHead(6, 10, {'cls': 4, 'reg': 1, 'seg': 3}): state_dict keys and shapes, parameter count, heads is an nn.ModuleDict"
    model = m.MultiHead(6, 10, dict(HEADS))
    obs = _structure(model)
    obs["modules"] = sorted(obs["modules"])  # the order of trunk and heads is free
    obs["heads_type"] = type(getattr(model, "heads", None)).__name__
    return obs


@probe(public=True, rtol=1e-5, atol=1e-6)
def heads_outputs(m):
    "MultiHead with loaded weights: the output of every task for a seeded (5, 6) batch"
    model = _heads_model(m, seed=5)
    x = _randn(5, 6, seed=1005)
    return {task: model(x, task) for task in HEADS}


@probe(rtol=1e-10, atol=1e-12)
def heads_double(m):
    "MultiHead with loaded weights, then .double(): float64 outputs of every task"
    model = _heads_model(m, seed=6).double()
    x = _randn(4, 6, dtype=torch.float64, seed=1006)
    return {task: model(x, task) for task in HEADS}


@probe
def unknown_task(m):
    "model(x, 'depth') for a task that has no head raises KeyError"
    model = _heads_model(m, seed=7)
    return raised(lambda: model(_randn(2, 6, seed=1007), "depth"))


def _grads_judge(got, ref):
    for name, r in ref.items():
        if name not in got:
            return f"no parameter named {name}"
        g = got[name]
        if r is None and g is not None:
            return (f"{name} got a gradient from a loss on task 'cls' only: the other heads "
                    "must not take part")
        if r is not None:
            if g is None:
                return f"{name} has no gradient after backward through task 'cls'"
            why = compare(g, r, rtol=1e-5, atol=1e-6)
            if why:
                return f"gradient of {name}: {why}"
    return None


@probe(judge=_grads_judge)
def heads_gradients(m):
    "backward through task 'cls' only: the trunk and heads.cls get the right gradients, the other heads none"
    model = _heads_model(m, seed=8)
    x = _randn(5, 6, seed=1008)
    w = _randn(5, 4, seed=1009)
    (model(x, "cls") * w).sum().backward()
    return {n: p.grad for n, p in model.named_parameters()}


@probe(rtol=1e-5, atol=1e-6)
def heads_sgd_step(m):
    "one torch.optim.SGD(model.parameters(), lr=0.1) step on a loss through 'cls' and 'reg': the state_dict afterwards"
    model = _heads_model(m, seed=9)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = _randn(5, 6, seed=1010)
    loss = model(x, "cls").pow(2).mean() + (model(x, "reg") - 1).pow(2).mean()
    loss.backward()
    opt.step()
    return {k: v.clone() for k, v in model.state_dict().items()}
