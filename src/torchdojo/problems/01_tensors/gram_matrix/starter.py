"""The Gram matrix A A^T of a matrix, or of every matrix in a batch."""

import torch


def gram(a: torch.Tensor) -> torch.Tensor:
    """``a @ a^T`` for ``a`` of shape (n, m) or (B, n, m); returns (n, n) or (B, n, n)."""
    # TODO: multiply a by its transpose (the transpose of the last two dims)
    return a * a
