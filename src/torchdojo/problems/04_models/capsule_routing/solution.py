"""The three pieces of a capsule network (Sabour, Frosst and Hinton, 2017).

A capsule's output is a vector whose length says how likely its entity is present. ``squash``
shrinks a vector to a length in [0, 1) and keeps its direction. ``dynamic_routing`` decides how
much each input capsule i sends to each output capsule j: the coupling c_ij is a softmax over
the outputs j of routing logits b_ij, which grow with the agreement <u_hat_j|i, v_j> between a
prediction and the output it fed. ``margin_loss`` asks the length of the right class's capsule to
exceed m_pos and every other length to stay below m_neg.
"""

import torch
from torch.nn import functional as F


def squash(s: torch.Tensor, dim: int = -1, eps: float = 1e-8) -> torch.Tensor:
    """v = |s|^2 / (1 + |s|^2) * s / sqrt(|s|^2 + eps), along ``dim``."""
    sq = (s * s).sum(dim=dim, keepdim=True)  # |s|^2, keeps dim for broadcasting
    # eps inside the square root: a zero vector gives 0 (and a finite gradient), not 0/0.
    return (sq / (1 + sq)) * s / torch.sqrt(sq + eps)


def dynamic_routing(u_hat: torch.Tensor, iters: int) -> torch.Tensor:
    """Routing by agreement. u_hat: (B, n_in, n_out, d_out) -> v: (B, n_out, d_out)."""
    # The routing loop only chooses the coupling coefficients: it sees u_hat detached, and the
    # gradient reaches u_hat through the last iteration's weighted sum alone.
    u_const = u_hat.detach()
    b = u_hat.new_zeros(u_hat.shape[:3])  # (B, n_in, n_out) routing logits
    for r in range(iters):
        c = F.softmax(b, dim=2)  # (B, n_in, n_out): each input splits itself over the outputs
        if r == iters - 1:
            s = (c.unsqueeze(-1) * u_hat).sum(dim=1)  # (B, n_out, d_out), with gradient
            return squash(s)
        s = (c.unsqueeze(-1) * u_const).sum(dim=1)  # (B, n_out, d_out)
        v = squash(s)
        b = b + (u_const * v.unsqueeze(1)).sum(dim=-1)  # agreement <u_hat_j|i, v_j>
    raise ValueError(f"iters must be at least 1, got {iters}")


def margin_loss(lengths: torch.Tensor, labels: torch.Tensor, m_pos: float = 0.9,
                m_neg: float = 0.1, lam: float = 0.5) -> torch.Tensor:
    """Capsule margin loss: summed over the C classes, averaged over the batch."""
    t = F.one_hot(labels, lengths.shape[1]).to(lengths.dtype)  # (B, C) one-hot targets
    pos = t * F.relu(m_pos - lengths) ** 2  # the true class: long enough
    neg = lam * (1 - t) * F.relu(lengths - m_neg) ** 2  # the others: short enough
    return (pos + neg).sum(dim=1).mean()  # () scalar
