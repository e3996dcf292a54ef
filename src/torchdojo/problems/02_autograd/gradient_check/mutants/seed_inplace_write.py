"""The seed's bug (S000-91): perturbs x in place with x.view(-1)[i] = ..., which raises
RuntimeError on a leaf that requires grad (and would overwrite the caller's tensor otherwise)."""

import torch


def numerical_grad(f, x, eps=1e-6):
    grad = torch.zeros(x.numel(), dtype=torch.float64)
    for i in range(x.numel()):
        orig = x.view(-1)[i].item()
        x.view(-1)[i] = orig + eps
        f_plus = f(x).item()
        x.view(-1)[i] = orig - eps
        f_minus = f(x).item()
        x.view(-1)[i] = orig
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)


def check_gradients(f, x, atol=1e-5, rtol=1e-4):
    leaf = x.detach().to(torch.float64).requires_grad_(True)
    (analytic,) = torch.autograd.grad(f(leaf), leaf)
    return bool(torch.allclose(analytic, numerical_grad(f, x), rtol=rtol, atol=atol))
