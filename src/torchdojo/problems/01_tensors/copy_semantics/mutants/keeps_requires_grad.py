"""Copies and detaches, then restores t's requires_grad flag: a copy of a grad leaf needs grad."""

import torch


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    return t.detach().clone().requires_grad_(t.requires_grad)
