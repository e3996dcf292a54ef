"""copy_() into a fresh tensor gives new memory, but records the copy in the autograd graph."""

import torch


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(t)
    out.copy_(t)
    return out
