"""The hook scales the gradient in place (grad.mul_(-lam)): a gradient tensor shared with
another use of x is reversed too."""


def grad_reverse(x, lam):
    y = x.view_as(x)
    if y.requires_grad:
        y.register_hook(lambda grad: grad.mul_(-lam))
    return y
