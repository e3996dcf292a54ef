"""Loops over params twice: a generator such as model.parameters() is empty the second
time, so nothing is clipped."""


def clip_grad_norm(params, max_norm, eps=1e-6):
    total_sq = 0.0
    for p in params:
        if p.grad is not None:
            total_sq += float(p.grad.pow(2).sum())
    total = total_sq**0.5
    coef = max_norm / (total + eps)
    if coef < 1.0:
        for p in params:
            if p.grad is not None:
                p.grad.mul_(coef)
    return total
