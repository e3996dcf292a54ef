"""Returns the int 0 (not the float 0.0) when no parameter has a gradient."""

import torch


def clip_grad_norm(params, max_norm, eps=1e-6):
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    coef = max_norm / (float(total) + eps)
    if coef < 1.0:
        for g in grads:
            g.mul_(coef)
    return float(total)
