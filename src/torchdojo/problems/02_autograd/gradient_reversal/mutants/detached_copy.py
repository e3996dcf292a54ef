"""Hooks a detached copy (x.detach().requires_grad_()): the result is cut off from x, so no
gradient at all reaches x through it."""


def grad_reverse(x, lam):
    if not x.requires_grad:
        return x
    y = x.detach().requires_grad_(True)
    y.register_hook(lambda grad: grad * -lam)
    return y
