"""Decides with `if total > max_norm` instead of `coef < 1`: with eps > 0 a norm just below
max_norm (within eps) is left unclipped although the factor is below 1."""

import torch


def clip_grad_norm(params, max_norm, eps=1e-6):
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    total = float(torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(g) for g in grads])))
    if total > max_norm:
        coef = max_norm / (total + eps)
        for g in grads:
            g.mul_(coef)
    return total
