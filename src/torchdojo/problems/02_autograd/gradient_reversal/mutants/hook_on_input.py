"""Registers the hook on the input itself: every other use of x (and every later call) is
reversed too, and two calls on the same tensor stack: their factors multiply together."""


def grad_reverse(x, lam):
    if x.requires_grad:
        x.register_hook(lambda grad: grad * -lam)
    return x
