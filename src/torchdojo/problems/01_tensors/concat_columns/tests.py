"""Probes for concat_columns: values and shapes against the reference, dtypes kept, an empty
block, zero rows, the inputs' device kept, and mismatched row counts rejected."""

import torch

from torchdojo.probes import probe, raised

_ACCEPTED_ERRORS = ("RuntimeError", "ValueError")


def _judge_rejected(got, ref):
    if got in _ACCEPTED_ERRORS:
        return None
    what = "no exception" if got is None else got
    return f"expected a RuntimeError or ValueError for 2 rows vs 4 rows, got {what}"


@probe(public=True)
def small_ints(m):
    "[[1, 2], [3, 4]] and [[5, 6], [7, 8]] give [[1, 2, 5, 6], [3, 4, 7, 8]]"
    return m.concat_columns(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[5, 6], [7, 8]]))


@probe
def different_widths(m):
    "seeded float32 blocks of shape (3, 2) and (3, 4) give (3, 6)"
    return m.concat_columns(torch.randn(3, 2), torch.randn(3, 4))


@probe
def dtypes_kept(m):
    "float64 and int32 inputs keep their dtype"
    x = m.concat_columns(torch.randn(2, 1, dtype=torch.float64),
                         torch.randn(2, 3, dtype=torch.float64))
    y = m.concat_columns(torch.arange(4, dtype=torch.int32).reshape(2, 2),
                         torch.tensor([[9], [8]], dtype=torch.int32))
    return [x, y]


@probe
def empty_block(m):
    "a (3, 0) block joined with a (3, 2) block gives the (3, 2) block"
    return m.concat_columns(torch.empty(3, 0), torch.randn(3, 2))


@probe
def zero_rows(m):
    "blocks of shape (0, 2) and (0, 3) give an empty (0, 5) matrix"
    return m.concat_columns(torch.empty(0, 2), torch.empty(0, 3))


@probe
def meta_device(m):
    "blocks on the meta device give a result on that device, of the right shape and dtype"
    out = m.concat_columns(torch.empty(3, 2, device="meta", dtype=torch.float64),
                           torch.empty(3, 4, device="meta", dtype=torch.float64))
    return {"device": str(out.device), "shape": tuple(out.shape), "dtype": str(out.dtype)}


@probe(judge=_judge_rejected)
def mismatched_rows(m):
    "blocks with 2 and 4 rows are rejected with an exception"
    return raised(lambda: m.concat_columns(torch.randn(2, 3), torch.randn(4, 3)))
