"""Euclidean distance between vectors stored along the last dimension."""

import torch


def euclidean_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Distance between ``a[..., :]`` and ``b[..., :]``: shape = broadcast leading dims."""
    # TODO: reduce over the last dimension only, so each leading index keeps its own distance
    # TODO: make sure the gradient is finite when a == b
    return torch.sqrt(torch.sum((a - b) ** 2))
