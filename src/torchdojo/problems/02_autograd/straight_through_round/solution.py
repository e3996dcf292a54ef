"""Straight-through rounding: round in the forward pass, pretend it was the identity in backward.

torch.round has derivative 0 almost everywhere, so nothing upstream of it would ever learn. The
straight-through estimator (STE) keeps the rounded values but passes the gradient through as if
the operation were y = x — the standard trick of quantization-aware training.
"""

import torch


class RoundSTE(torch.autograd.Function):
    """y = round(x) (half to even); dL/dx = dL/dy."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        # Round to the nearest integer, ties to even, keeping x's shape and dtype.
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        # Identity Jacobian: hand the upstream gradient through unchanged.
        return grad_output


def round_ste(x: torch.Tensor) -> torch.Tensor:
    """Round ``x`` with a straight-through gradient."""
    return RoundSTE.apply(x)
