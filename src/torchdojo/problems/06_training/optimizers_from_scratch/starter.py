"""SGD with momentum and AdamW from scratch (fill in the two ``step`` methods)."""

import torch


class SGDMomentum(torch.optim.Optimizer):
    def __init__(self, params, lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False):
        # TODO: reject nesterov without momentum; pass the hyper-parameters as defaults
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay,
                                      nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient, group by group."""
        # TODO: weight decay, momentum buffer (self.state[p]), nesterov, p -= lr * d_p
        raise NotImplementedError


class MyAdamW(torch.optim.Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        """One AdamW update of every parameter that has a gradient, group by group."""
        # TODO: decoupled decay, moment EMAs, bias correction, the update
        raise NotImplementedError
