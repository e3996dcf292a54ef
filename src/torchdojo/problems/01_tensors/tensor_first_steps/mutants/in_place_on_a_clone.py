"""MUTANT: adds in place into a clone: the caller's tensor is unchanged."""


import torch


def random_3x3(seed: int) -> torch.Tensor:
    """A (3, 3) float32 tensor uniform in [0, 1), the same for the same seed."""
    # a private generator: repeatable, and the global random state is left alone
    g = torch.Generator().manual_seed(seed)
    return torch.rand(3, 3, generator=g)  # (3, 3) float32


def grid(rows: int, cols: int) -> torch.Tensor:
    """The int64 numbers 0 .. rows*cols - 1 laid out row by row as (rows, cols)."""
    return torch.arange(rows * cols).reshape(rows, cols)  # (rows, cols) int64


def corners(t: torch.Tensor) -> torch.Tensor:
    """The four corners of a 2-D tensor as a (2, 2) tensor: [[top-left, top-right], [bottom-left, bottom-right]]."""
    # first and last row, then first and last column of those: a copy, not a view
    return t[[0, -1]][:, [0, -1]]  # (2, 2)


def add_out_of_place(t: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """t + v as a new tensor; t is not changed."""
    return t + v  # broadcasts v against t


def add_in_place(t: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Add v into t itself and return t (the same object)."""
    return t.clone().add_(v)
