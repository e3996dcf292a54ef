"""Probes for gradient_penalty: the value, and gradients that reach the critic's parameters."""

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _critic(d_in):
    # built first in every probe, so its seeded weights are the same for learner and reference
    return nn.Sequential(nn.Linear(d_in, 8), nn.Tanh(), nn.Linear(8, 1)).double()


def _image_critic():
    return nn.Sequential(nn.Flatten(), nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 1)).double()


def _observe(m, critic, real, fake, alpha):
    gp = m.gradient_penalty(critic, real, fake, alpha)
    params = list(critic.parameters())
    grads = None
    if isinstance(gp, torch.Tensor) and gp.requires_grad:
        # the last bias never reaches an input-gradient: zeros, not None
        grads = list(torch.autograd.grad(gp, params, allow_unused=True,
                                         materialize_grads=True))
    return {"penalty": gp, "requires_grad": bool(getattr(gp, "requires_grad", False)),
            "param_grads": grads}


def _value_only(got, ref):
    msg = compare(got["penalty"], ref["penalty"])
    return f"wrong penalty value: {msg}" if msg else None


def _value_and_grads(got, ref):
    msg = _value_only(got, ref)
    if msg:
        return msg
    if not got["requires_grad"]:
        return ("the penalty does not require grad: it cannot train the critic "
                "(the input-gradient must keep its graph)")
    for i, (g, r) in enumerate(zip(got["param_grads"], ref["param_grads"], strict=True)):
        msg = compare(g, r)
        if msg:
            return f"wrong gradient of the penalty w.r.t. critic parameter {i}: {msg}"
    return None


@probe(public=True, judge=_value_only)
def penalty_value(m):
    "B=4 samples of 3 features, a seeded Linear-Tanh-Linear critic (float64): the penalty value"
    critic = _critic(3)
    real = torch.randn(4, 3, dtype=torch.float64)
    fake = torch.randn(4, 3, dtype=torch.float64) * 2
    alpha = torch.rand(4, 1, dtype=torch.float64)
    return _observe(m, critic, real, fake, alpha)


@probe(judge=_value_and_grads)
def differentiable_wrt_critic(m):
    "B=6, 3 features: the penalty and its gradient w.r.t. every critic parameter"
    critic = _critic(3)
    real = torch.randn(6, 3, dtype=torch.float64) * 3
    fake = torch.randn(6, 3, dtype=torch.float64)
    alpha = torch.rand(6, 1, dtype=torch.float64)
    return _observe(m, critic, real, fake, alpha)


@probe(judge=_value_and_grads)
def image_shaped_samples(m):
    "samples of shape (2, 3) with alpha of shape (B, 1, 1): one norm per whole sample"
    critic = _image_critic()
    real = torch.randn(5, 2, 3, dtype=torch.float64)
    fake = torch.randn(5, 2, 3, dtype=torch.float64)
    alpha = torch.rand(5, 1, 1, dtype=torch.float64)
    return _observe(m, critic, real, fake, alpha)


@probe(judge=_value_only)
def alpha_at_the_ends(m):
    "alpha of 0 and 1 for some samples: x_hat is then exactly fake or real"
    critic = _critic(3)
    real = torch.randn(4, 3, dtype=torch.float64)
    fake = torch.randn(4, 3, dtype=torch.float64) * 2
    alpha = torch.tensor([[0.0], [1.0], [0.25], [1.0]], dtype=torch.float64)
    return _observe(m, critic, real, fake, alpha)


@probe(judge=_value_and_grads)
def batch_of_one(m):
    "a batch of a single sample (B=1): the penalty and its gradients w.r.t. the critic"
    critic = _critic(3)
    real = torch.randn(1, 3, dtype=torch.float64)
    fake = torch.randn(1, 3, dtype=torch.float64) * 2
    alpha = torch.rand(1, 1, dtype=torch.float64)
    return _observe(m, critic, real, fake, alpha)


class _TransposingCritic(nn.Module):
    """A critic for (B, 2, 3) samples that reads them column by column."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 1))

    def forward(self, x):
        return self.body(x.transpose(1, 2).reshape(x.shape[0], -1))  # (B, 1)


@probe(judge=_value_and_grads)
def any_critic_module(m):
    "a critic that transposes its (B, 2, 3) input (its input gradient is not contiguous)"
    critic = _TransposingCritic().double()
    real = torch.randn(4, 2, 3, dtype=torch.float64)
    fake = torch.randn(4, 2, 3, dtype=torch.float64)
    alpha = torch.rand(4, 1, 1, dtype=torch.float64)
    return _observe(m, critic, real, fake, alpha)


_SIDE_EFFECTS = {
    "critic .grad untouched": "the call filled in the critic parameters' .grad: it must only "
                              "return the penalty and leave backpropagation to the caller",
    "reaches real": "the penalty's gradient reaches real: real must be treated as a constant",
    "reaches fake": "the penalty's gradient reaches fake (and the generator behind it): fake "
                    "must be treated as a constant",
}


def _side_effects_judge(got, ref):
    for key, text in _SIDE_EFFECTS.items():
        if got[key] != ref[key]:
            return text
    return None


@probe(judge=_side_effects_judge)
def no_side_effects(m):
    "fake from a generator, real requiring grad: nothing flows into them, critic .grad stays None"
    critic = _critic(3)
    gen = nn.Linear(2, 3).double()
    real = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    fake = gen(torch.randn(4, 2, dtype=torch.float64))  # part of the generator's graph
    alpha = torch.rand(4, 1, dtype=torch.float64)
    gp = m.gradient_penalty(critic, real, fake, alpha)
    untouched = all(p.grad is None for p in critic.parameters())
    to_real = to_fake = False
    if isinstance(gp, torch.Tensor) and gp.requires_grad:
        g_real, g_fake = torch.autograd.grad(gp, [real, fake], allow_unused=True)
        to_real = g_real is not None and bool(g_real.abs().sum() > 0)
        to_fake = g_fake is not None and bool(g_fake.abs().sum() > 0)
    return {"critic .grad untouched": untouched, "reaches real": to_real, "reaches fake": to_fake}
