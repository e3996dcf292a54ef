"""Clip gradients by their global L2 norm, in place, like torch.nn.utils.clip_grad_norm_."""

from collections.abc import Iterable

import torch


def clip_grad_norm(params: Iterable[torch.Tensor], max_norm: float, eps: float = 1e-6) -> float:
    """Scale all gradients in place so their global L2 norm is at most ~max_norm.

    Returns the global norm measured before clipping. Parameters whose .grad is None are skipped.
    """
    # TODO: collect the gradients that exist (params may be a generator)
    # TODO: the global L2 norm over all of them
    total = torch.zeros(())
    # TODO: if max_norm / (total + eps) < 1, scale every gradient in place by that factor
    return float(total)
