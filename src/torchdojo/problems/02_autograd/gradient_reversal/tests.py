"""Probes for gradient_reversal: identity forward, -lam * gradient backward, no hook on x."""

import torch
import torch.nn.functional as F

from torchdojo.probes import probe


@probe(public=True)
def forward_is_identity(m):
    "grad_reverse(x, 0.7) has the values, shape and dtype of x (float32 and float64)"
    x = torch.randn(3, 4, requires_grad=True)
    x64 = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    return {"float32": m.grad_reverse(x, 0.7), "float64": m.grad_reverse(x64, 0.7)}


@probe(public=True)
def gradient_is_reversed(m):
    "x.grad after grad_reverse(x, 0.5).backward(g) for a non-uniform upstream gradient g"
    x = torch.randn(3, 4, requires_grad=True)
    g = torch.randn(3, 4)
    m.grad_reverse(x, 0.5).backward(g)
    return x.grad


@probe
def lam_values(m):
    "the gradient for lam = 0 (all zeros) and lam = 2.5"
    out = {}
    for lam in (0.0, 2.5):
        x = torch.randn(6, requires_grad=True)
        g = torch.randn(6)
        m.grad_reverse(x, lam).backward(g)
        out[str(lam)] = x.grad
    return out


@probe
def other_uses_of_x_unaffected(m):
    "other uses of x, in the same graph and in a later backward, keep their normal gradient"
    x = torch.randn(5, requires_grad=True)
    a, b = torch.randn(5), torch.randn(5)
    ((m.grad_reverse(x, 2.0) * a).sum() + (x * b).sum()).backward()
    same_graph = x.grad.clone()
    x.grad = None
    (x * b).sum().backward()  # a plain use of x after grad_reverse was called on it
    return {"same_graph": same_graph, "later_plain_use": x.grad}


@probe
def shared_upstream_gradient(m):
    "grad_reverse(x, 2.0) + x: both uses of x receive the same upstream gradient tensor"
    x = torch.randn(5, requires_grad=True)
    g = torch.randn(5)
    (m.grad_reverse(x, 2.0) + x).backward(g)
    return x.grad


@probe
def two_calls_on_one_tensor(m):
    "two calls on the same x (lam 0.5 and 3.0) each reverse only their own branch"
    x = torch.randn(4, requires_grad=True)
    a, b = torch.randn(4), torch.randn(4)
    ((m.grad_reverse(x, 0.5) * a).sum() + (m.grad_reverse(x, 3.0) * b).sum()).backward()
    return x.grad


def _no_hook_judge(got, ref):
    for kind in ("leaf", "non-leaf"):
        if got[kind]:
            return (f"grad_reverse registered {got[kind]} hook(s) on its {kind} input tensor "
                    "(x._backward_hooks): expected none")
    return None


@probe(judge=_no_hook_judge)
def no_hook_on_input(m):
    "no hook is left on the input tensor (a leaf, and an intermediate result)"
    x = torch.randn(3, requires_grad=True)
    h = x * 2
    m.grad_reverse(x, 1.0)
    m.grad_reverse(h, 1.0)
    return {"leaf": len(x._backward_hooks or {}), "non-leaf": len(h._backward_hooks or {})}


@probe
def domain_adversarial_step(m):
    "a small DANN-style graph: gradients of the feature weights and both heads"
    x = torch.randn(6, 4)
    W = torch.randn(4, 3, requires_grad=True)
    u = torch.randn(3, requires_grad=True)   # task head
    v = torch.randn(3, requires_grad=True)   # domain head
    domain = torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    feats = torch.tanh(x @ W)                                     # (6, 3)
    task_loss = (feats @ u).pow(2).mean()
    logits = m.grad_reverse(feats, 0.3) @ v                       # (6,)
    domain_loss = F.binary_cross_entropy_with_logits(logits, domain)
    (task_loss + domain_loss).backward()
    return {"W": W.grad, "task_head": u.grad, "domain_head": v.grad}


@probe
def without_autograd(m):
    "works on a tensor without requires_grad and under torch.no_grad(): same values returned"
    x = torch.randn(4)
    y_plain = m.grad_reverse(x, 1.0)
    w = torch.randn(4, requires_grad=True)
    with torch.no_grad():
        y_nograd = m.grad_reverse(w, 1.0)
    return {"plain": y_plain, "no_grad": y_nograd}
