"""Leaves the dot products unscaled: the softmax saturates as head_dim grows."""

import torch
from torch import nn


class SelfAttention(nn.Module):
    def __init__(self, embed_dim: int, head_dim: int) -> None:
        super().__init__()
        self.head_dim = head_dim
        self.q = nn.Linear(embed_dim, head_dim)
        self.k = nn.Linear(embed_dim, head_dim)
        self.v = nn.Linear(embed_dim, head_dim)

    def forward(self, x: torch.Tensor, key_padding_mask: torch.Tensor | None = None,
                causal: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        T = x.size(1)
        q, k, v = self.q(x), self.k(x), self.v(x)  # (B, T, head_dim) each
        # query i against key j, scaled by the size of the dot product
        scores = q @ k.transpose(-2, -1)  # (B, T, T): query, key
        if causal:
            # key j > i is in the future of query i: strictly above the diagonal
            future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)  # (T, T)
            scores = scores.masked_fill(future, float("-inf"))
        if key_padding_mask is not None:
            # (B, T), True = padding: hide those keys (the last axis) from every query
            scores = scores.masked_fill(key_padding_mask[:, None, :], float("-inf"))
        weights = torch.softmax(scores, dim=-1)  # (B, T, T), each row sums to 1 over the keys
        return weights @ v, weights  # (B, T, head_dim), (B, T, T)
