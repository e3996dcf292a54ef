"""Capsule network pieces: squash, routing by agreement and the margin loss."""

import torch
from torch.nn import functional as F  # noqa: F401 - you will probably want it


def squash(s: torch.Tensor, dim: int = -1, eps: float = 1e-8) -> torch.Tensor:
    """v = |s|^2 / (1 + |s|^2) * s / sqrt(|s|^2 + eps), along ``dim``."""
    # TODO: squared length along dim (keepdim), then scale s; eps inside the square root
    return s


def dynamic_routing(u_hat: torch.Tensor, iters: int) -> torch.Tensor:
    """Routing by agreement. u_hat: (B, n_in, n_out, d_out) -> v: (B, n_out, d_out)."""
    # TODO: reject iters < 1 with ValueError
    # TODO: b = zeros (B, n_in, n_out); each iteration: c = softmax of b over n_out,
    #       s = sum over inputs of c * u_hat, v = squash(s), and (except after the last
    #       iteration) b += <u_hat, v>; use u_hat.detach() in all but the last iteration
    return u_hat.mean(dim=1)


def margin_loss(lengths: torch.Tensor, labels: torch.Tensor, m_pos: float = 0.9,
                m_neg: float = 0.1, lam: float = 0.5) -> torch.Tensor:
    """Capsule margin loss: summed over the C classes, averaged over the batch."""
    # TODO: one-hot targets; present class: relu(m_pos - length)^2;
    #       absent classes: lam * relu(length - m_neg)^2; sum over classes, mean over batch
    raise NotImplementedError
