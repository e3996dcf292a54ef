"""Seed bug (S002-1): y.backward() on a vector y raises 'grad can be implicitly created only
for scalar outputs'."""

import torch


def elementwise_grad(f, x):
    with torch.enable_grad():
        t = x.detach().requires_grad_(True)
        y = f(t)
        y.backward()
    return t.grad
