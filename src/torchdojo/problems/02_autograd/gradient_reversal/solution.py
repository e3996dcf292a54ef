"""Gradient reversal: identity in the forward pass, gradient times -lam in the backward pass.

The layer behind domain-adversarial training (DANN): the feature extractor is trained to *increase*
the domain classifier's loss while the classifier itself minimises it. The hook goes on a fresh
node created here, never on the caller's tensor, so other uses of ``x`` keep their gradients.
"""

import torch


def grad_reverse(x: torch.Tensor, lam: float) -> torch.Tensor:
    """Return a tensor equal to ``x`` whose gradient is multiplied by ``-lam`` on the way back."""
    # A new autograd node (a view, no copy): the hook below belongs to it, not to x.
    y = x.view_as(x)  # same shape, dtype and values as x
    # Without autograd (x needs no grad, or inside torch.no_grad()) there is nothing to reverse.
    if y.requires_grad:
        # Runs when the gradient w.r.t. y is computed; its result replaces that gradient.
        y.register_hook(lambda grad: grad * -lam)
    return y
