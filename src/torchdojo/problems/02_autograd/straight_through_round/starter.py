"""Straight-through rounding: round in the forward pass, pretend it was the identity in backward."""

import torch


class RoundSTE(torch.autograd.Function):
    """y = round(x) (half to even); dL/dx = dL/dy."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        # TODO: round x to the nearest integer (ties to even)
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        # TODO: return the gradient with respect to x
        raise NotImplementedError


def round_ste(x: torch.Tensor) -> torch.Tensor:
    """Round ``x`` with a straight-through gradient."""
    # TODO: apply RoundSTE
    return torch.round(x)
