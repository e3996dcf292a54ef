"""Calls .backward() on the caller's own tensor: sets its requires_grad, fills x.grad, and a
second call adds to the first (gradients accumulate)."""


def grad_of(f, x, create_graph=False):
    x.requires_grad_(True)
    y = f(x)
    if y.numel() != 1:
        raise ValueError("f(x) must be a scalar")
    y.backward(create_graph=create_graph)
    return x.grad
