"""Join two matrices side by side (column-wise) with torch.cat."""

import torch


def concat_columns(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Concatenate ``a`` (n, p) and ``b`` (n, q) along the columns into (n, p + q).

    Raises when the row counts differ.
    """
    # dim=1 is the column axis: rows are matched up, columns of b follow those of a.
    # torch.cat checks that every other dim (here the rows) agrees and raises otherwise.
    return torch.cat((a, b), dim=1)  # (n, p + q)
