"""Probes for skip_mlp: the fixed structure (state_dict keys, shapes, parameter count), and with
weights made and loaded strictly by the probe: outputs, gradients, one SGD step; batch 1 and a
width-1 hidden layer; a short seeded training run on three Gaussian blobs."""

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _randn(*shape: int, seed: int, **kw) -> torch.Tensor:
    """Seeded input from a generator of its own: what the learner's code draws from the global
    generator (weight init) does not change the inputs."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), **kw)


def _spec(i: int, h: int, o: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    return {"fc1.weight": (h, i), "fc1.bias": (h,), "fc2.weight": (h, h), "fc2.bias": (h,),
            "fc3.weight": (o, h), "fc3.bias": (o,)}


def _loaded(m, i: int, h: int, o: int, seed: int) -> nn.Module:
    """The learner's SkipMLP with seeded weights loaded strictly (a wrong structure raises)."""
    g = torch.Generator().manual_seed(seed)
    sd = {k: torch.randn(shape, generator=g) * 0.5 for k, shape in _spec(i, h, o).items()}
    model = m.SkipMLP(i, h, o)
    model.load_state_dict(sd, strict=True)
    return model


def _structure(model: nn.Module) -> dict:
    sd = model.state_dict()
    return {"shapes": {k: list(v.shape) for k, v in sd.items()},
            "n_params": sum(p.numel() for p in model.parameters()),
            "buffers": [n for n, _ in model.named_buffers()]}


def _structure_judge(got, ref):
    missing = [k for k in ref["shapes"] if k not in got["shapes"]]
    extra = [k for k in got["shapes"] if k not in ref["shapes"]]
    if missing or extra:
        return (f"state_dict keys differ: missing {missing}, unexpected {extra}; expected "
                f"exactly {list(ref['shapes'])}")
    for k, shape in ref["shapes"].items():
        if got["shapes"][k] != shape:
            return f"{k} has shape {tuple(got['shapes'][k])}, expected {tuple(shape)}"
    if got["buffers"]:
        return f"the model has buffers {got['buffers']}; it should have none"
    if got["n_params"] != ref["n_params"]:
        return (f"{got['n_params']} parameter elements, expected {ref['n_params']} (a parameter "
                "outside state_dict?)")
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "SkipMLP(4, 8, 3): state_dict keys and shapes, parameter count (139), no buffers"
    torch.manual_seed(0)
    return _structure(m.SkipMLP(4, 8, 3))


@probe(judge=_structure_judge)
def structure_other_sizes(m):
    "SkipMLP(7, 5, 2): state_dict keys and shapes, parameter count, no buffers"
    torch.manual_seed(0)
    return _structure(m.SkipMLP(7, 5, 2))


@probe(public=True, rtol=1e-5, atol=1e-6)
def loaded_output(m):
    "SkipMLP(5, 6, 3) with loaded weights: logits for a seeded (8, 5) batch"
    model = _loaded(m, 5, 6, 3, seed=1)
    x = _randn(8, 5, seed=1001)
    return model(x)


@probe(rtol=1e-5, atol=1e-6)
def loaded_output_wide(m):
    "SkipMLP(3, 12, 4) with loaded weights: logits for a seeded (16, 3) batch"
    model = _loaded(m, 3, 12, 4, seed=2)
    x = _randn(16, 3, seed=1002) * 2
    return model(x)


def _grads(m, seed: int) -> tuple[nn.Module, dict]:
    model = _loaded(m, 5, 6, 3, seed=seed)
    x = _randn(8, 5, requires_grad=True, seed=1003)
    w = _randn(8, 3, seed=1004)
    (model(x) * w).sum().backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    grads["input"] = x.grad
    return model, grads


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
    "loaded weights, a seeded loss sum(out * w): the gradient of every parameter and of the input"
    return _grads(m, seed=3)[1]


@probe(rtol=1e-5, atol=1e-6)
def sgd_step(m):
    "loaded weights, the same loss, one torch.optim.SGD(lr=0.1) step: the parameters afterwards"
    model, _ = _grads(m, seed=4)
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {n: p.detach().clone() for n, p in model.named_parameters()}


@probe(rtol=1e-5, atol=1e-6)
def batch_of_one(m):
    "a batch of one, SkipMLP(3, 5, 2) and SkipMLP(3, 1, 1) (hidden=1): outputs of shape (1, out)"
    a = _loaded(m, 3, 5, 2, seed=5)(_randn(1, 3, seed=1005))
    b = _loaded(m, 3, 1, 1, seed=6)(_randn(1, 3, seed=1006))
    return {"hidden_5": a, "hidden_1": b}


def _blobs(n_per_class: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    centers = torch.tensor([[0.0, 2.0], [-1.8, -1.0], [1.8, -1.0]])
    y = torch.arange(3).repeat_interleave(n_per_class)
    x = centers[y] + 0.8 * torch.randn(len(y), 2, generator=g)
    return x, y


def _train_judge(got, ref):
    acc = got["accuracy"]
    if not isinstance(acc, float):
        return f"could not measure the accuracy (got {type(acc).__name__})"
    if not got["finite"]:
        return "the training loss became NaN or infinite"
    if acc < 0.9:
        return (f"after 150 Adam steps the held-out accuracy is {acc:.1%}, below 90% (the "
                f"reference reaches {ref['accuracy']:.1%}); loss {got['loss']:.3f}")
    return None


@probe(judge=_train_judge)
def trains_on_blobs(m):
    "SkipMLP(2, 16, 3), 150 full-batch Adam steps with CrossEntropyLoss on 3 blobs: held-out accuracy >= 90%"
    g = torch.Generator().manual_seed(7)
    x, y = _blobs(80, g)
    x_test, y_test = _blobs(80, g)
    torch.manual_seed(0)
    model = m.SkipMLP(2, 16, 3)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loss_fn = nn.CrossEntropyLoss()
    loss = torch.tensor(float("nan"))
    for _ in range(150):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
    return {"accuracy": float(acc), "loss": float(loss.item()),
            "finite": bool(torch.isfinite(loss).item())}
