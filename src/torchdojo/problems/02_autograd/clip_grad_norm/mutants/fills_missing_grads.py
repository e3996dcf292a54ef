"""Treats a missing gradient as zeros and assigns p.grad = zeros: skipped tensors no longer
have .grad None."""

import torch


def clip_grad_norm(params, max_norm, eps=1e-6):
    params = list(params)
    for p in params:
        if p.grad is None:
            p.grad = torch.zeros_like(p)
    if not params:
        return 0.0
    total = float(torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(p.grad) for p in params])))
    coef = max_norm / (total + eps)
    if coef < 1.0:
        for p in params:
            p.grad.mul_(coef)
    return total
