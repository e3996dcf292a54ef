"""Probes for gram_matrix: values against the reference on seeded square, tall, wide and batched
inputs, dtype kept, and the shape of a batched result."""

import torch

from torchdojo.probes import probe

# float32 products may be summed in another order (einsum, a loop): allow rounding differences.
_TOL = {"rtol": 1e-5, "atol": 1e-5}


@probe(public=True, **_TOL)
def square_3x3(m):
    "a seeded 3x3 float32 matrix"
    return m.gram(torch.randn(3, 3))


@probe(**_TOL)
def tall_5x3(m):
    "a seeded 5x3 matrix gives a 5x5 result"
    return m.gram(torch.randn(5, 3))


@probe(**_TOL)
def wide_2x6(m):
    "a seeded 2x6 matrix gives a 2x2 result"
    return m.gram(torch.randn(2, 6))


@probe(**_TOL)
def batched(m):
    "a seeded batch of shape (2, 4, 3) gives (2, 4, 4): one Gram matrix per batch element"
    return m.gram(torch.randn(2, 4, 3))


@probe(**_TOL)
def batched_square(m):
    "a seeded batch of square matrices, shape (3, 3, 3)"
    return m.gram(torch.randn(3, 3, 3))


@probe
def float64_kept(m):
    "a float64 input gives a float64 result with float64 accuracy"
    return m.gram(torch.randn(4, 3, dtype=torch.float64))


@probe
def integer_matrix(m):
    "an int64 matrix gives the exact int64 result"
    return m.gram(torch.arange(6).reshape(2, 3))

