"""Assigns a new tensor to p.grad instead of scaling it in place."""

import torch


def clip_grad_norm(params, max_norm, eps=1e-6):
    params = [p for p in params if p.grad is not None]
    if not params:
        return 0.0
    norms = [torch.linalg.vector_norm(p.grad) for p in params]
    total = torch.linalg.vector_norm(torch.stack(norms))
    coef = max_norm / (float(total) + eps)
    if coef < 1.0:
        for p in params:
            p.grad = p.grad * coef
    return float(total)
