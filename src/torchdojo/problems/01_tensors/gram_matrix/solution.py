"""The Gram matrix A A^T of a matrix, or of every matrix in a batch.

Entry (i, j) is the dot product of rows i and j of A, so the result is symmetric and positive
semi-definite.
"""

import torch


def gram(a: torch.Tensor) -> torch.Tensor:
    """``a @ a^T`` for ``a`` of shape (n, m) or (B, n, m); returns (n, n) or (B, n, n)."""
    # .mT swaps the last two dims only, so it is the matrix transpose for 2-D and batched input.
    # (..., n, m) @ (..., m, n) -> (..., n, n)
    return a @ a.mT
