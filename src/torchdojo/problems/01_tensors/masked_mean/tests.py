"""Probes for masked_mean: values, empty rows, garbage in the padding, dtype, input untouched."""

import torch

from torchdojo.probes import probe


def _random_mask(b, s, p=0.6):
    mask = torch.rand(b, s) < p
    mask[:, 0] = True  # every row has at least one real position
    return mask


@probe(public=True)
def small_batch(m):
    "x of shape (2, 4, 3) with a hand-written mask: mean over the True positions of each row"
    x = torch.arange(24, dtype=torch.float32).reshape(2, 4, 3)
    mask = torch.tensor([[True, True, False, False], [True, False, True, True]])
    return m.masked_mean(x, mask)


@probe
def random_batch(m):
    "a seeded (5, 7, 4) batch with a random mask (every row has a real position)"
    x = torch.randn(5, 7, 4)
    return m.masked_mean(x, _random_mask(5, 7))


@probe(public=True)
def all_padding_row(m):
    "rows whose mask is all False give 0 (no NaN); the other rows are unaffected"
    x = torch.randn(4, 5, 3)
    mask = _random_mask(4, 5)
    mask[1] = False
    mask[3] = False
    return m.masked_mean(x, mask)


@probe
def nan_and_inf_in_padding(m):
    "padded positions hold NaN and inf; they must not change the result"
    x = torch.randn(3, 6, 2)
    mask = _random_mask(3, 6)
    mask[2] = False
    x[~mask] = float("nan")
    x[0, ~mask[0]] = float("inf")
    return m.masked_mean(x, mask)


@probe(rtol=1e-12, atol=1e-12)
def float64_kept(m):
    "float64 input gives a float64 result at float64 precision"
    x = torch.randn(3, 9, 5, dtype=torch.float64)
    return m.masked_mean(x, _random_mask(3, 9))


@probe
def inputs_unchanged(m):
    "x and mask are left unchanged by the call"
    x = torch.randn(2, 4, 3)
    mask = _random_mask(2, 4)
    x0, mask0 = x.clone(), mask.clone()
    m.masked_mean(x, mask)
    return {"x unchanged": bool(torch.equal(x, x0)),
            "mask unchanged": bool(torch.equal(mask, mask0))}


@probe
def nan_at_real_position(m):
    "a NaN at a real position is data; NaN and inf in the padding still are not"
    x = torch.randn(3, 5, 2)
    mask = _random_mask(3, 5)
    mask[1, 2] = True
    x[~mask] = float("inf")
    x[1, 2, 0] = float("nan")
    return m.masked_mean(x, mask)


@probe
def empty_batch_and_sequence(m):
    "B = 0 gives an empty (0, D) result; S = 0 gives rows of 0"
    return {"B = 0": m.masked_mean(torch.randn(0, 4, 3), torch.zeros(0, 4, dtype=torch.bool)),
            "S = 0": m.masked_mean(torch.randn(2, 0, 3), torch.zeros(2, 0, dtype=torch.bool))}


@probe
def non_contiguous_inputs(m):
    "x and mask are transposed (non-contiguous) views"
    x = torch.randn(4, 3, 6).transpose(1, 2)  # (4, 6, 3)
    mask = _random_mask(6, 4).T  # (4, 6)
    mask[:, 0] = True
    return m.masked_mean(x, mask)
