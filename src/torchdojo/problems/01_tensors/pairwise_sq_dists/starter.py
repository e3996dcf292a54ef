"""Squared Euclidean distance between every row of ``x`` and every row of ``y``, loop-free."""

import torch


def pairwise_sq_dists(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``out[i, j] = ||x[i] - y[j]||^2`` for ``x`` of shape (N, D) and ``y`` of shape (M, D)."""
    # TODO: squared norm of each row of x and of y
    # TODO: all dot products x_i . y_j with one matrix product
    # TODO: combine them with broadcasting into an (N, M) result, never negative
    return torch.zeros(x.shape[0], y.shape[0], dtype=x.dtype)
