"""Euclidean distance between vectors stored along the last dimension.

``a`` and ``b`` broadcast against each other, so a batch of points can be compared with a batch
(``(N, D)`` with ``(N, D)``) or with one point (``(N, D)`` with ``(D,)``).
"""

import torch


def euclidean_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Distance between ``a[..., :]`` and ``b[..., :]``: shape = broadcast leading dims."""
    # difference of the broadcast operands
    diff = a - b  # (..., D)
    # L2 norm over the last dim only; its backward returns 0 (not NaN) for a zero vector
    return torch.linalg.vector_norm(diff, dim=-1)  # (...)
