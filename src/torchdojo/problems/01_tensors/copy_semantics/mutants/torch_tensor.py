"""Seed's idiom (S004 §3.2, D7): torch.tensor(t) copies correctly but emits a UserWarning."""

import torch


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    return torch.tensor(t)
