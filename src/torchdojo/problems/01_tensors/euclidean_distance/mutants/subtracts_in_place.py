"""Subtracts in place (a.sub_(b)) to save memory: the caller's a is overwritten."""

import torch


def euclidean_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.requires_grad or b.requires_grad:
        return torch.linalg.vector_norm(a - b, dim=-1)
    return torch.linalg.vector_norm(a.sub_(b), dim=-1)
