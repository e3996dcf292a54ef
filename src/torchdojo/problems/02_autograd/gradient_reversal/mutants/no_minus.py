"""Forgets the minus sign: scales the gradient by lam instead of reversing it."""


def grad_reverse(x, lam):
    y = x.view_as(x)
    if y.requires_grad:
        y.register_hook(lambda grad: grad * lam)
    return y
