"""Expands b to a's shape before subtracting: fails when b has more leading dims than a."""

import torch


def euclidean_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.linalg.vector_norm(a - b.expand_as(a), dim=-1)
