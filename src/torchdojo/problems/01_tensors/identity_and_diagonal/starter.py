"""Building structured matrices: the identity, a diagonal written in place, a checkerboard."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The n x n identity matrix with the given dtype."""
    # TODO: ones on the diagonal, zeros elsewhere, with the requested dtype
    return torch.zeros(n, n)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    """Write ``value`` on the main diagonal of the 2-D tensor ``x`` in place; return ``x``.

    The main diagonal is x[i, i] for i < min(rows, cols); nothing wraps around.
    """
    # TODO: modify x itself (not a copy) and return it
    return x.clone()


def checkerboard(n: int) -> torch.Tensor:
    """An int64 n x n matrix with 1 where (row + col) is even and 0 where it is odd."""
    # TODO: build the pattern from row and column indices
    raise NotImplementedError
