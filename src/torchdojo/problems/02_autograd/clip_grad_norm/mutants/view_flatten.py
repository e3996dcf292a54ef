"""Concatenates g.view(-1) of every gradient: raises when a .grad is non-contiguous."""

import torch


def clip_grad_norm(params, max_norm, eps=1e-6):
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    total = float(torch.linalg.vector_norm(torch.cat([g.view(-1) for g in grads])))
    coef = max_norm / (total + eps)
    if coef < 1.0:
        for g in grads:
            g.mul_(coef)
    return total
