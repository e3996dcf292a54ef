"""Sigmoid as a custom autograd.Function that saves its output for the backward pass.

Since d/dx sigmoid(x) = sigmoid(x) * (1 - sigmoid(x)), backward needs only the forward's output
y: saving y (not x) spares recomputing exp in backward and cannot overflow there.
"""

import torch


class MySigmoid(torch.autograd.Function):
    """y = 1 / (1 + exp(-x)), elementwise, with a hand-written backward."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        # torch.sigmoid is computed stably: 0 or 1 for large |x|, never NaN.
        y = torch.sigmoid(x)  # same shape and dtype as x
        # Keep the output, the only thing backward needs.
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        (y,) = ctx.saved_tensors
        # Chain rule: upstream gradient times the local derivative y * (1 - y).
        return grad_output * y * (1 - y)


def my_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Elementwise sigmoid of ``x`` through MySigmoid."""
    # Functions are called through .apply, never by instantiating them.
    return MySigmoid.apply(x)
