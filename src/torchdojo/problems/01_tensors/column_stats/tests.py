"""Probes for column_stats: values against the reference for both corrections, non-square shapes,
float64 precision (also when the mean dwarfs the spread), and the input left unchanged."""

import torch

from torchdojo.probes import probe

# A one-pass or hand-written formula rounds differently from torch.std_mean in float32.
_TOL32 = {"rtol": 1e-5, "atol": 1e-6}


def _unchanged(got, ref):
    if got["after"].shape != got["before"].shape or not torch.equal(got["after"], got["before"]):
        return "column_stats modified its input x; it must leave it as it was"
    return None


@probe(public=True, **_TOL32)
def square_default(m):
    "a seeded 5x5 float32 matrix, default unbiased=True: (mean, std), each of shape (5,)"
    return m.column_stats(torch.rand(5, 5))


@probe(**_TOL32)
def square_biased(m):
    "the same kind of 5x5 matrix with unbiased=False (divide by N)"
    return m.column_stats(torch.rand(5, 5), unbiased=False)


@probe(**_TOL32)
def tall_unbiased(m):
    "a seeded 7x3 matrix with unbiased=True gives two tensors of shape (3,)"
    return m.column_stats(torch.randn(7, 3), unbiased=True)


@probe(**_TOL32)
def wide_biased(m):
    "a seeded 4x6 matrix with unbiased=False gives two tensors of shape (6,)"
    return m.column_stats(torch.randn(4, 6), unbiased=False)


@probe(rtol=1e-7, atol=1e-7)
def float64_large_offset(m):
    "float64 data around 1e4 with spread 1: results stay float64 and agree to 1e-7"
    x = 1e4 + torch.randn(50, 4, dtype=torch.float64)
    return m.column_stats(x)


@probe(rtol=1e-7, atol=1e-7)
def float64_huge_offset(m):
    "float64 data around 1e8 with spread 1, both corrections: the spread is still accurate to 1e-7"
    x = 1e8 + torch.randn(40, 3, dtype=torch.float64)
    return {"unbiased": m.column_stats(x), "biased": m.column_stats(x, unbiased=False)}


@probe(judge=_unchanged)
def input_unchanged(m):
    "x holds the same values after the call"
    x = torch.randn(6, 4)
    before = x.clone()
    m.column_stats(x, unbiased=True)
    return {"before": before, "after": x}
