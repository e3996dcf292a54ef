"""Unit tests for a classifier, as named checks that each test one property."""

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

N_FEATURES, N_CLASSES = 10, 3


def run_model_checks(model_factory: Callable[[], nn.Module]) -> dict[str, bool]:
    """Run every check on fresh models from ``model_factory``; a check that raises fails."""
    # TODO: one function per property, each building its own models and seeded data:
    #   shape, log_probs, grad_flow, seeded_init, overfits, eval_deterministic, eval_independent
    # TODO: a check that raises is a failed check (False), not a crashed suite
    model = model_factory()
    x, y = torch.randn(8, N_FEATURES), torch.arange(8) % N_CLASSES
    out = model(x)
    loss = F.nll_loss(out, y)
    ok = out.shape == (8, N_CLASSES) and loss.item() > 0  # the seed's whole test suite
    return {name: ok for name in ("shape", "log_probs", "grad_flow", "seeded_init", "overfits",
                                  "eval_deterministic", "eval_independent")}
