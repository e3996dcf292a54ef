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



@probe(**_TOL)
def non_contiguous_input(m):
    "transposed (non-contiguous) views as input, 2-D and batched; the input is left unchanged"
    a = torch.randn(5, 3).T  # (3, 5)
    b = torch.randn(2, 3, 4).mT  # (2, 4, 3)
    b_before = b.clone()
    return {"2-D view": m.gram(a), "batched view": m.gram(b), "batched view after": b,
            "batched view before": b_before}


@probe(**_TOL)
def edge_shapes(m):
    "a batch of one, a 1x1 matrix, and sizes of 0 (B = 0, n = 0, m = 0)"
    return {"(1, 3, 2)": m.gram(torch.randn(1, 3, 2)), "(1, 1)": m.gram(torch.randn(1, 1)),
            "(0, 3, 2)": m.gram(torch.randn(0, 3, 2)), "(0, 4)": m.gram(torch.randn(0, 4)),
            "(3, 0)": m.gram(torch.randn(3, 0)), "(2, 3, 0)": m.gram(torch.randn(2, 3, 0))}


@probe(**_TOL)
def gradient_reaches_input(m):
    "for an input that requires grad, the gradient of a weighted sum of the result reaches it"
    a = torch.randn(3, 4, requires_grad=True)
    b = torch.randn(2, 3, 2, requires_grad=True)
    (m.gram(a) * torch.randn(3, 3)).sum().backward()
    (m.gram(b) * torch.randn(2, 3, 3)).sum().backward()
    return {"grad of the 2-D input": a.grad, "grad of the batched input": b.grad}
