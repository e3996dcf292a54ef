"""copy.deepcopy keeps requires_grad on a leaf, and refuses a non-leaf tensor outright."""

import copy

import torch


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    return copy.deepcopy(t)
