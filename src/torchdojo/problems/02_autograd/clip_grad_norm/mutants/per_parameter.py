"""Clips every tensor by its own norm instead of by the global norm: the update changes
direction."""

import torch


def clip_grad_norm(params, max_norm, eps=1e-6):
    params = [p for p in params if p.grad is not None]
    if not params:
        return 0.0
    norms = [torch.linalg.vector_norm(p.grad) for p in params]
    total = torch.linalg.vector_norm(torch.stack(norms))
    for p in params:
        coef = max_norm / (float(torch.linalg.vector_norm(p.grad)) + eps)
        if coef < 1.0:
            p.grad.mul_(coef)
    return float(total)
