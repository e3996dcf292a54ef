"""Probes for debug_unregistered_layers: parameter counts, the exact state_dict layout, outputs
after a strict load of seeded weights, the model moved to float64, and one SGD step from
model.parameters() that must update every tensor, the temperature included.

The state_dicts are made here from the statement's layout, with a seeded generator."""

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _layout(f: int, hid: int, depth: int, heads: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """The statement's state_dict keys and shapes (plain Python)."""
    shapes: dict[str, tuple[int, ...]] = {"temperature": ()}
    for i in range(depth):
        shapes[f"layers.{i}.weight"] = (hid, f if i == 0 else hid)
        shapes[f"layers.{i}.bias"] = (hid,)
    for name, n in heads.items():
        shapes[f"heads.{name}.weight"] = (n, hid)
        shapes[f"heads.{name}.bias"] = (n,)
    return shapes


def _state(g, f, hid, depth, heads) -> dict[str, torch.Tensor]:
    sd = {k: torch.randn(s, generator=g) * 0.5 for k, s in _layout(f, hid, depth, heads).items()}
    sd["temperature"] = torch.tensor(1.5)
    return sd


def _loaded(m, g, f, hid, depth, heads):
    model = m.MultiTaskMLP(f, hid, depth, heads)
    model.load_state_dict(_state(g, f, hid, depth, heads), strict=True)
    return model


def _count_judge(got, ref):
    if got["tensors"] != ref["tensors"]:
        return (f"model.parameters() should yield {ref['tensors']} tensors, got {got['tensors']} "
                f"(named: {got['names'][:6]}{' ...' if len(got['names']) > 6 else ''})")
    if got["count"] != ref["count"]:
        return f"the model should have {ref['count']} parameters in total, got {got['count']}"
    return None


def _count_obs(m, f, hid, depth, heads):
    model = m.MultiTaskMLP(f, hid, depth, heads)
    params = list(model.named_parameters())
    return {"tensors": len(params), "count": sum(p.numel() for _, p in params),
            "names": [n for n, _ in params]}


@probe(public=True, judge=_count_judge)
def parameter_count(m):
    "MultiTaskMLP(4, 8, depth=3, heads={'age': 1, 'kind': 3}): parameter tensors and total size"
    return _count_obs(m, 4, 8, 3, {"age": 1, "kind": 3})


@probe(judge=_count_judge)
def parameter_count_other_configs(m):
    "depth=1 with one head, and depth=4 with three heads"
    a = _count_obs(m, 3, 5, 1, {"score": 2})
    b = _count_obs(m, 6, 4, 4, {"a": 1, "b": 7, "c": 2})
    return {k: [a[k], b[k]] if k != "names" else a[k] + b[k] for k in a}


def _layout_judge(got, ref):
    if got["keys"] != ref["keys"]:
        missing = sorted(set(ref["keys"]) - set(got["keys"]))
        extra = sorted(set(got["keys"]) - set(ref["keys"]))
        return f"state_dict keys differ from the stated layout: missing {missing}, unexpected {extra}"
    if got["shapes"] != ref["shapes"]:
        bad = [k for k, s in zip(got["keys"], got["shapes"], strict=True)
               if s != ref["shapes"][ref["keys"].index(k)]]
        return f"state_dict shapes differ for {bad}"
    return None


@probe(public=True, judge=_layout_judge)
def state_dict_layout(m):
    "state_dict keys and shapes of MultiTaskMLP(5, 6, depth=2, heads={'a': 2, 'b': 5, 'c': 1})"
    sd = m.MultiTaskMLP(5, 6, 2, {"a": 2, "b": 5, "c": 1}).state_dict()
    keys = sorted(sd)
    return {"keys": keys, "shapes": [list(sd[k].shape) for k in keys]}


@probe(**TOL)
def outputs_after_strict_load(m):
    "seeded weights loaded with strict=True: the outputs of both tasks on 4 samples"
    g = _gen(1)
    heads = {"age": 1, "kind": 3}
    model = _loaded(m, g, 4, 8, 3, heads)
    x = torch.randn(4, 4, generator=g)
    with torch.no_grad():
        return {task: model(x, task) for task in heads}


def _float64_judge(got, ref):
    if got["dtypes"] != ref["dtypes"]:
        return ("after .to(torch.float64) every parameter should be float64; "
                f"got {got['dtypes']}")
    for task, r in ref["out"].items():
        msg = compare(got["out"].get(task), r, rtol=1e-6, atol=1e-8)
        if msg:
            return f"float64 output of task {task!r} differs: {msg}"
    return None


@probe(judge=_float64_judge)
def moved_to_float64(m):
    "strict load, .to(torch.float64), float64 inputs: parameter dtypes and outputs"
    g = _gen(2)
    heads = {"x": 2, "y": 1}
    model = _loaded(m, g, 3, 5, 2, heads).to(torch.float64)
    x = torch.randn(3, 3, generator=g, dtype=torch.float64)
    with torch.no_grad():
        out = {task: model(x, task) for task in heads}
    return {"dtypes": sorted({str(p.dtype) for p in model.parameters()}), "out": out}


def _step_judge(got, ref):
    if sorted(got["after"]) != sorted(ref["after"]):
        return "the state_dict keys differ from the stated layout"
    for k, r in ref["after"].items():
        msg = compare(got["after"][k], r, **TOL)
        if msg:
            what = (" (an optimizer built from model.parameters() does not see it)"
                    if compare(got["after"][k], got["before"][k], rtol=0, atol=0) is None else "")
            return f"{k} after one SGD step differs{what}: {msg}"
    return None


@probe(judge=_step_judge)
def sgd_updates_everything(m):
    "SGD(model.parameters(), lr=0.1), one step on a loss over all tasks: every tensor afterwards"
    g = _gen(3)
    heads = {"age": 1, "kind": 3, "size": 2}
    model = _loaded(m, g, 4, 6, 2, heads)
    before = {k: v.detach().clone() for k, v in model.state_dict().items()}
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(5, 4, generator=g)
    targets = {t: torch.randn(5, n, generator=g) for t, n in heads.items()}
    opt.zero_grad()
    loss = sum(((model(x, t) - y) ** 2).mean() for t, y in targets.items())
    loss.backward()
    opt.step()
    return {"before": before,
            "after": {k: v.detach().clone() for k, v in model.state_dict().items()}}
