"""Dodges the seed's RuntimeError with torch.no_grad() and x.detach() (same storage), perturbing
and restoring x in place: the gradient is right, but the caller's tensor is written to."""

import torch


def numerical_grad(f, x, eps=1e-6):
    flat = x.detach().reshape(-1)  # shares x's storage when x is contiguous
    grad = torch.empty(flat.numel(), dtype=torch.float64)
    with torch.no_grad():
        for i in range(flat.numel()):
            orig = flat[i].item()
            flat[i] = orig + eps
            f_plus = f(x.detach().to(torch.float64))
            flat[i] = orig - eps
            f_minus = f(x.detach().to(torch.float64))
            flat[i] = orig
            grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)


def check_gradients(f, x, atol=1e-5, rtol=1e-4):
    leaf = x.detach().to(torch.float64).requires_grad_(True)
    (analytic,) = torch.autograd.grad(f(leaf), leaf)
    return bool(torch.allclose(analytic, numerical_grad(f, x), rtol=rtol, atol=atol))
