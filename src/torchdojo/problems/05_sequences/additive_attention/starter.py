"""Additive (Bahdanau) attention, and attention pooling built on the same scoring."""

import torch
from torch import nn


class AdditiveAttention(nn.Module):
    def __init__(self, query_dim: int, key_dim: int, hidden: int) -> None:
        super().__init__()
        # TODO: W_q = Linear(query_dim, hidden, bias=False), W_k = Linear(key_dim, hidden),
        #       v = Linear(hidden, 1, bias=False)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        # TODO: scores (B, T) = v(tanh(W_q(query) + W_k(keys))), the query broadcast over time
        # TODO: masked softmax over time (mask True = real): padding gets weight 0, a row
        #       without real positions gets zeros
        # TODO: context (B, Dv) = weighted sum of the values; return (context, weights)
        raise NotImplementedError("AdditiveAttention.forward")


class AttentionPooling(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        # TODO: proj = Linear(dim, hidden), v = Linear(hidden, 1, bias=False)

    def forward(self, h: torch.Tensor, mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        # TODO: scores (B, T) = v(tanh(proj(h))); masked softmax over time
        # TODO: pooled (B, D) = weighted sum of h; return (pooled, weights)
        raise NotImplementedError("AttentionPooling.forward")
