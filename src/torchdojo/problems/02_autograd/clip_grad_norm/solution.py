"""Clip gradients by their global L2 norm, in place, like torch.nn.utils.clip_grad_norm_.

All gradients are treated as one long vector: if its norm exceeds max_norm, every gradient is
scaled by the same factor, so the update keeps its direction and only gets shorter.
"""

from collections.abc import Iterable

import torch


def clip_grad_norm(params: Iterable[torch.Tensor], max_norm: float, eps: float = 1e-6) -> float:
    """Scale all gradients in place so their global L2 norm is at most ~max_norm.

    Returns the global norm measured before clipping. Parameters whose .grad is None are skipped.
    """
    # Collect once: params may be a generator that can be consumed only once.
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    # Global norm = norm of the per-tensor norms (same as the norm of all elements concatenated).
    per_tensor = torch.stack([torch.linalg.vector_norm(g) for g in grads])  # (n_tensors,)
    total = torch.linalg.vector_norm(per_tensor)  # ()
    # One shared factor; eps keeps it finite when the norm is 0.
    coef = max_norm / (float(total) + eps)
    if coef < 1.0:
        for g in grads:
            g.mul_(coef)  # in place: p.grad stays the same tensor
    return float(total)
