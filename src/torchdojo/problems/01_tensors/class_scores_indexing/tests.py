"""Probes for class_scores_indexing: per-row picks (checked against gather) and a masked clip."""

import torch

from torchdojo.probes import compare, parse_source, probe, python_loops, source_probe


@probe(public=True)
def scores_small(m):
    "pick_class_scores on seeded (5, 4) logits and on a single row"
    logits = torch.randn(5, 4)
    target = torch.tensor([3, 0, 2, 2, 1])
    one = torch.randn(1, 3)
    return {"5x4": m.pick_class_scores(logits, target),
            "1x3": m.pick_class_scores(one, torch.tensor([2]))}


def _matches_gather(got, ref):
    """For each case, the learner's scores must equal logits.gather(1, target[:, None]).squeeze(1)."""
    for case, r in ref.items():
        expected = r["logits"].gather(1, r["target"].unsqueeze(1)).squeeze(1)
        msg = compare(got[case]["scores"], expected)
        if msg is not None:
            return f"{case} logits, compared with gather: {msg}"
    return None


@probe(judge=_matches_gather)
def scores_match_gather(m):
    "pick_class_scores equals logits.gather(1, target[:, None]).squeeze(1) on square and tall logits"
    out = {}
    for case, (n, c, dtype) in {"square (6, 6) float64": (6, 6, torch.float64),
                                "tall (7, 3) float32": (7, 3, torch.float32)}.items():
        logits = torch.randn(n, c, dtype=dtype)
        target = torch.randint(0, c, (n,))
        out[case] = {"scores": m.pick_class_scores(logits, target),
                     "logits": logits, "target": target}
    return out


@probe
def scores_gradient(m):
    "gradients flow back from the picked scores into the logits"
    logits = torch.randn(4, 5, requires_grad=True)
    target = torch.tensor([4, 4, 0, 1])
    weights = torch.arange(1.0, 5.0)
    (m.pick_class_scores(logits, target) * weights).sum().backward()
    return logits.grad


@probe
def scores_transposed_logits(m):
    "pick_class_scores on non-contiguous logits (a transposed view), values and gradient"
    base = torch.randn(5, 6, requires_grad=True)
    logits = base.t()  # (6, 5), not contiguous
    target = torch.tensor([4, 0, 3, 3, 1, 2])
    scores = m.pick_class_scores(logits, target)
    (scores * torch.arange(1.0, 7.0)).sum().backward()
    return {"scores": scores.detach(), "grad": base.grad}


@source_probe
def no_python_loops(source):
    "the module has no Python loops (for/while, comprehensions, map)"
    tree, why = parse_source(source)
    if tree is None:
        return why
    loop = python_loops(tree)
    if loop:
        return f"found {loop}; expected one indexing operation, not a Python loop"
    return None


@probe(public=True)
def clip_values(m):
    "clip_above on a seeded float tensor (3, 4) with thresh 0.5"
    t = torch.randn(3, 4)
    return m.clip_above(t, 0.5)


def _input_unchanged(got, ref):
    msg = compare(got["input after the call"], ref["input after the call"])
    if msg is not None:
        return f"clip_above changed its input; it must work out of place ({msg})"
    return compare(got["result"], ref["result"])


@probe(judge=_input_unchanged)
def clip_leaves_input_alone(m):
    "clip_above does not modify its input"
    t = torch.randn(4, 5)
    out = m.clip_above(t, 0.0)
    return {"input after the call": t, "result": out}


@probe
def clip_returns_new_tensor(m):
    "clip_above returns a new tensor even when no value is above thresh"
    t = torch.randn(3, 4)
    out = m.clip_above(t, 100.0)
    return {"same object": out is t,
            "shares memory": out.untyped_storage().data_ptr() == t.untyped_storage().data_ptr(),
            "result": out}


@probe
def clip_transposed_input(m):
    "clip_above on a non-contiguous input (a transposed view) keeps its shape and values"
    base = torch.randn(4, 6)
    t = base.t()  # (6, 4), not contiguous
    out = m.clip_above(t, 0.3)
    return {"result": out, "input after the call": base}


@probe
def clip_integers(m):
    "clip_above on an int64 tensor keeps the dtype; values equal to thresh stay"
    t = torch.tensor([-3, 2, 5, 2, 9, 0, 3])
    return m.clip_above(t, 2)
