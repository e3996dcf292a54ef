"""Keeps the reduced dim (keepdim=True): shape (N, 1) instead of (N,)."""

import torch


def euclidean_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.linalg.vector_norm(a - b, dim=-1, keepdim=True)
