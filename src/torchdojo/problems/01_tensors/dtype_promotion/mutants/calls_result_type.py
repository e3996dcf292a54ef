"""Asks torch.result_type for the answer: right values, but the exercise forbids it."""

import torch


def result_dtype(a: torch.Tensor, b: torch.Tensor) -> torch.dtype:
    return torch.result_type(a, b)
