"""Splits the heads correctly but merges them with reshape(B, L, E) straight from (B, H, L, d), without transposing back first."""

import math

import torch
import torch.nn.functional as F
from torch import nn


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True) -> None:
        super().__init__()
        if embed_dim % num_heads != 0:
            raise ValueError(f"embed_dim {embed_dim} is not divisible by num_heads {num_heads}")
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        # rows [0:E] project queries, [E:2E] keys, [2E:3E] values (torch's packed layout)
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            self.in_proj_bias = nn.Parameter(torch.zeros(3 * embed_dim))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def _heads(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, E) -> (B, H, T, d): split the features into heads, then move heads forward."""
        B, T, _ = x.shape
        return x.view(B, T, self.num_heads, self.head_dim).transpose(1, 2)

    def forward(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                key_padding_mask: torch.Tensor | None = None, need_weights: bool = True,
                attn_mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        B, L, E = query.shape
        # the packed projection, one third each for q, k and v
        w_q, w_k, w_v = self.in_proj_weight.chunk(3)
        b_q, b_k, b_v = (self.in_proj_bias.chunk(3) if self.in_proj_bias is not None
                         else (None, None, None))
        q = self._heads(F.linear(query, w_q, b_q))  # (B, H, L, d)
        k = self._heads(F.linear(key, w_k, b_k))  # (B, H, S, d)
        v = self._heads(F.linear(value, w_v, b_v))  # (B, H, S, d)
        # scores per head, scaled by the head size d (not E)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)  # (B, H, L, S)
        if attn_mask is not None:  # (L, S), shared by the batch and the heads
            if attn_mask.dtype == torch.bool:
                scores = scores.masked_fill(attn_mask, float("-inf"))  # True = not allowed
            else:
                scores = scores + attn_mask  # float: added
        if key_padding_mask is not None:  # (B, S), True = padding: hide those keys
            scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        weights = torch.softmax(scores, dim=-1)  # (B, H, L, S)
        out = weights @ v  # (B, H, L, d)
        # merge the heads back: (B, H, L, d) -> (B, L, H, d) -> (B, L, E)
        out = out.reshape(B, L, E)
        out = self.out_proj(out)  # (B, L, E)
        # the weights averaged over the heads, as nn.MultiheadAttention returns by default
        return out, (weights.mean(dim=1) if need_weights else None)  # (B, L, S)
