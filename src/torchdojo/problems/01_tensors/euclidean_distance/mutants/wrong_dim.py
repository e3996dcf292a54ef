"""Reduces over the first dimension instead of the last (dim=0)."""

import torch


def euclidean_distance(a, b):
    return torch.linalg.vector_norm(a - b, dim=0)
