"""Puts b's columns before a's."""

import torch


def concat_columns(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.cat((b, a), dim=1)
