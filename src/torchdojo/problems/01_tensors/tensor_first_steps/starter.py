"""A first tour of tensors: create one from a seed, shape a range, pick corners, add two ways.

Run `torchdojo show tensor_first_steps` for the statement; the tests check values, dtypes,
shapes, the global random state, and which tensor was changed.
"""

import torch


def random_3x3(seed: int) -> torch.Tensor:
    """A (3, 3) float32 tensor uniform in [0, 1), the same for the same seed."""
    # TODO: use a torch.Generator seeded with `seed`
    return torch.zeros(3, 3)


def grid(rows: int, cols: int) -> torch.Tensor:
    """The int64 numbers 0 .. rows*cols - 1 laid out row by row as (rows, cols)."""
    # TODO: arange, then reshape
    return torch.zeros(rows, cols, dtype=torch.int64)


def corners(t: torch.Tensor) -> torch.Tensor:
    """The four corners of a 2-D tensor as a (2, 2) tensor."""
    # TODO: index rows [0, -1] and columns [0, -1]
    return t[:2, :2]


def add_out_of_place(t: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """t + v as a new tensor; t is not changed."""
    # TODO
    raise NotImplementedError


def add_in_place(t: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Add v into t itself and return t (the same object)."""
    # TODO
    raise NotImplementedError
