"""Join two matrices side by side (column-wise) with torch.cat."""

import torch


def concat_columns(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Concatenate ``a`` (n, p) and ``b`` (n, q) along the columns into (n, p + q).

    Raises when the row counts differ.
    """
    # TODO: concatenate along the right dimension
    return torch.cat((a, b))
