"""Building structured matrices: the identity, a diagonal written in place, a checkerboard."""

import torch


def identity_like(n: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The n x n identity matrix with the given dtype."""
    # torch.eye builds it directly: ones on the diagonal, zeros elsewhere.
    return torch.eye(n, dtype=dtype)  # (n, n)


def set_diagonal_(x: torch.Tensor, value: float) -> torch.Tensor:
    """Write ``value`` on the main diagonal of the 2-D tensor ``x`` in place; return ``x``.

    The main diagonal is x[i, i] for i < min(rows, cols); nothing wraps around.
    """
    # fill_diagonal_ writes into x's own storage (the trailing _ marks an in-place op);
    # wrap=False (the default) stops at min(rows, cols) for tall matrices too.
    return x.fill_diagonal_(value)


def checkerboard(n: int) -> torch.Tensor:
    """An int64 n x n matrix with 1 where (row + col) is even and 0 where it is odd."""
    # Row and column indices broadcast against each other: (n, 1) + (1, n) -> (n, n).
    i = torch.arange(n)
    parity = (i[:, None] + i[None, :]) % 2  # (n, n), 0 on even squares
    # 1 - parity puts the ones on the even squares; arange's int64 dtype is kept.
    return 1 - parity
