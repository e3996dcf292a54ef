"""F.pairwise_distance adds eps=1e-6 to the difference: every distance is slightly off."""

import torch
import torch.nn.functional as F


def euclidean_distance(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return F.pairwise_distance(a, b)
