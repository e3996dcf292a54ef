"""clone() copies the memory but keeps the autograd history: the copy still requires grad."""

import torch


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    return t.clone()
