"""Multi-head attention written by hand, a drop-in for nn.MultiheadAttention(batch_first=True)."""

import math  # noqa: F401 - for math.sqrt

import torch
import torch.nn.functional as F  # noqa: F401 - for F.linear
from torch import nn


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True) -> None:
        super().__init__()
        # TODO: reject an embed_dim that num_heads does not divide
        # TODO: in_proj_weight (3E, E) and in_proj_bias (3E,) as nn.Parameter (None without bias)
        # TODO: out_proj = nn.Linear(E, E, bias=bias)
        self.embed_dim = embed_dim
        self.num_heads = num_heads

    def forward(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                key_padding_mask: torch.Tensor | None = None, need_weights: bool = True,
                attn_mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        # TODO: project query, key and value with the three slices of in_proj_weight/_bias
        # TODO: split into heads: (B, T, E) -> (B, H, T, d)
        # TODO: scores / sqrt(d); attn_mask (True = blocked, or float added);
        #       key_padding_mask (B, S), True = padding
        # TODO: softmax over the keys, weights @ v, merge the heads, out_proj
        # TODO: return (output, weights averaged over the heads) or (output, None)
        raise NotImplementedError("MultiHeadAttention.forward")
