"""Seed gap (S004 §3.2): detach() drops the autograd history but still shares the memory."""

import torch


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    return t.detach()
