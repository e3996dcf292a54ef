"""Squared Euclidean distance between every row of ``x`` and every row of ``y``, loop-free.

Uses ||x_i - y_j||^2 = ||x_i||^2 - 2 x_i . y_j + ||y_j||^2: one matrix product for the cross
term and two broadcast row norms, so memory stays O(N*M) instead of O(N*M*D).
"""

import torch


def pairwise_sq_dists(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``out[i, j] = ||x[i] - y[j]||^2`` for ``x`` of shape (N, D) and ``y`` of shape (M, D)."""
    # squared norm of each row of x, kept as a column for broadcasting
    x2 = (x * x).sum(dim=-1, keepdim=True)  # (N, 1)
    # squared norm of each row of y, broadcast along the rows of the result
    y2 = (y * y).sum(dim=-1)  # (M,)
    # all dot products x_i . y_j at once
    xy = x @ y.mT  # (N, M)
    # combine; rounding can leave tiny negatives where x_i == y_j, so clamp at 0
    return (x2 - 2 * xy + y2).clamp_min(0)  # (N, M)
