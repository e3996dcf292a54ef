"""Make an independent copy of a tensor: fresh memory, no autograd history, no warning."""

import torch


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    """A copy of ``t`` with the same values, shape and dtype, its own storage, and no grad."""
    # TODO: give the result its own memory and cut it off from the autograd graph
    return t
