"""Returns the function's value instead of its gradient (like the seed's printed [3, 8, 15])."""

import torch


def elementwise_grad(f, x):
    with torch.no_grad():
        return f(x.detach())
