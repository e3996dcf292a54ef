"""MUTANT: L2 penalty added to the gradient (Adam with weight_decay), not decoupled decay."""

import math

import torch


class SGDMomentum(torch.optim.Optimizer):
    def __init__(self, params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False):
        if nesterov and momentum <= 0:
            raise ValueError("nesterov needs momentum > 0")
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay,
                                      nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:  # not part of this step's graph: untouched
                    continue
                d_p = p.grad
                if wd != 0:  # L2 term added to the gradient (coupled, as torch's SGD does)
                    d_p = d_p.add(p, alpha=wd)
                if mu != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:  # step 1: the buffer IS the first gradient
                        buf = d_p.clone().detach()
                        state["momentum_buffer"] = buf
                    else:  # buf = mu * buf + d_p
                        buf.mul_(mu).add_(d_p)
                    # nesterov looks ahead along the buffer
                    d_p = d_p.add(buf, alpha=mu) if group["nesterov"] else buf
                p.add_(d_p, alpha=-lr)
        return loss


class MyAdamW(torch.optim.Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, (beta1, beta2) = group["lr"], group["betas"]
            eps, wd = group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.add(p, alpha=wd)
                state = self.state[p]
                if not state:  # lazily created on the parameter's first step
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1  # per parameter: one that joins late starts at 1
                t = state["step"]
                m, v = state["exp_avg"], state["exp_avg_sq"]
                # decoupled weight decay: shrink the weights, not the gradient
                # first and second moment EMAs
                m.lerp_(g, 1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                # bias correction; eps is added after the square root
                bc1 = 1 - beta1 ** t
                bc2_sqrt = math.sqrt(1 - beta2 ** t)
                denom = (v.sqrt() / bc2_sqrt).add_(eps)
                p.addcdiv_(m, denom, value=-lr / bc1)
        return loss
