"""Probes for split_merge_heads: values, round trips, and rejecting a bad head count."""

import torch

from torchdojo.probes import probe, raised


@probe(public=True)
def split_values(m):
    "split_heads on a seeded (2, 3, 20) tensor with h=4: shape (2, 4, 3, 5) and values"
    return m.split_heads(torch.randn(2, 3, 20), 4)


@probe(public=True)
def merge_values(m):
    "merge_heads on a seeded, contiguous (2, 4, 3, 5) tensor: shape (2, 3, 20) and values"
    return m.merge_heads(torch.randn(2, 4, 3, 5))


@probe
def split_edge_head_counts(m):
    "split_heads with one head and with one feature per head"
    x = torch.randn(2, 3, 6)
    return {"h=1": m.split_heads(x, 1), "h=6": m.split_heads(x, 6)}


@probe
def merge_attention_output(m):
    "merge_heads on the result of a per-head computation (a batched matmul)"
    q = torch.randn(1, 3, 4, 2)
    w = torch.randn(3, 2, 2)
    return m.merge_heads(q @ w)  # (1, 3, 4, 2): contiguous, not a view of a split


@probe
def round_trips(m):
    "merge_heads(split_heads(x, h)) gives x back, and split_heads(merge_heads(y), H) gives y back"
    x = torch.randn(2, 5, 12)
    y = torch.randn(2, 3, 4, 2)
    return {"merge(split(x, 2))": m.merge_heads(m.split_heads(x, 2)),
            "merge(split(x, 3))": m.merge_heads(m.split_heads(x, 3)),
            "split(merge(y), 3)": m.split_heads(m.merge_heads(y), 3)}


def _same_exceptions(got, ref):
    for case, want in ref.items():
        have = got.get(case) if isinstance(got, dict) else None
        if have != want:
            return f"{case}: expected {want}, got {have or 'no exception'}"
    return None


@probe(judge=_same_exceptions)
def bad_head_count(m):
    "split_heads raises ValueError when h does not divide the last dim (or is not positive)"
    x = torch.randn(2, 3, 20)
    return {"split_heads(x with last dim 20, h=3)": raised(lambda: m.split_heads(x, 3)),
            "split_heads(x with last dim 20, h=8)": raised(lambda: m.split_heads(x, 8)),
            "split_heads(x with last dim 20, h=0)": raised(lambda: m.split_heads(x, 0)),
            "split_heads(x with last dim 20, h=-4)": raised(lambda: m.split_heads(x, -4))}


@probe
def empty_dims(m):
    "an empty batch (B = 0) and an empty sequence (S = 0) through both functions"
    return {"split_heads(B = 0)": m.split_heads(torch.randn(0, 3, 6), 2),
            "split_heads(S = 0)": m.split_heads(torch.randn(2, 0, 6), 3),
            "merge_heads(B = 0)": m.merge_heads(torch.randn(0, 2, 3, 4)),
            "merge_heads(S = 0)": m.merge_heads(torch.randn(2, 3, 0, 4))}
