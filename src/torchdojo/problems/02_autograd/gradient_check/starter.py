"""Gradient checking: compare autograd's gradient with central finite differences in float64."""

from collections.abc import Callable

import torch


def numerical_grad(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                   eps: float = 1e-6) -> torch.Tensor:
    """Central-difference gradient of the scalar function ``f`` at ``x``: float64, shaped like x."""
    # TODO: for each element i, evaluate f at x + eps*e_i and x - eps*e_i (in float64, on new
    #       tensors -- never write into x) and take the central difference
    raise NotImplementedError


def check_gradients(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                    atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """True when autograd's gradient of ``f`` at ``x`` matches ``numerical_grad`` (allclose)."""
    # TODO: compute the autograd gradient at a float64 copy of x and compare with numerical_grad
    return True
