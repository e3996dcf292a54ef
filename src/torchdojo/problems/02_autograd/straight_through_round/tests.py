"""Probes for straight_through_round: rounded values (ties to even), straight-through gradient."""

import torch

from torchdojo.probes import probe

_TIES = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.49, -0.51, 7.0]


@probe(public=True)
def forward_values_and_ties(m):
    "round_ste of float32 values including .5 ties (rounded half to even, like torch.round)"
    x = torch.cat([torch.tensor(_TIES), torch.randn(6) * 3])
    return m.round_ste(x)


@probe
def forward_float64_shape(m):
    "round_ste keeps the shape (2, 3, 4) and dtype float64"
    x = torch.randn(2, 3, 4, dtype=torch.float64) * 5
    return m.round_ste(x)


@probe(public=True)
def gradient_is_upstream(m):
    "x.grad after round_ste(x).backward(g) for a non-uniform upstream gradient g"
    x = (torch.randn(3, 5) * 3).requires_grad_()
    g = torch.randn(3, 5)
    m.round_ste(x).backward(g)
    return x.grad


@probe
def gradient_at_ties(m):
    "the gradient at .5 ties and at integers is the upstream gradient too"
    x = torch.tensor(_TIES, requires_grad=True)
    g = torch.linspace(-1.0, 2.0, len(_TIES))
    (m.round_ste(x) * g).sum().backward()
    return x.grad


@probe
def non_contiguous_input(m):
    "round_ste of a transposed matrix and of a strided slice: values and gradients"
    w = (torch.randn(4, 6) * 3).requires_grad_()
    g = torch.randn(6, 4)
    y_t = m.round_ste(w.t())  # (6, 4), not contiguous
    y_t.backward(g)
    z = (torch.randn(3, 8) * 3).requires_grad_()
    y_s = m.round_ste(z[:, ::2])  # (3, 4), strided
    y_s.sum().backward()
    return {"transposed": y_t, "dw": w.grad, "strided": y_s, "dz": z.grad}


def _unchanged_judge(got, ref):
    before, after = got["input_before"], got["input_after"]
    if torch.equal(before, after):
        return None
    i = int((before != after).nonzero()[0][0])
    return (f"the input was modified in place: x[{i}] was {float(before[i]):g}, "
            f"is now {float(after[i]):g}")


@probe(judge=_unchanged_judge)
def input_unchanged(m):
    "round_ste does not modify its input tensor"
    x = (torch.randn(8) * 3).requires_grad_()
    before = x.detach().clone()
    m.round_ste(x)
    return {"input_before": before, "input_after": x.detach().clone()}


@probe
def fake_quantization(m):
    "fake quantization q = clamp(round_ste(x / s), -8, 7) * s: q, and gradients for x and s"
    x = torch.randn(12, requires_grad=True)
    s = torch.tensor(0.2, requires_grad=True)
    target = torch.randn(12)
    q = m.round_ste(x / s).clamp(-8, 7) * s  # 4-bit signed grid
    loss = ((q - target) ** 2).sum()
    loss.backward()
    return {"q": q, "dx": x.grad, "ds": s.grad}
