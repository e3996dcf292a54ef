"""Single-head self-attention with a causal mask and a key padding mask."""

import math  # noqa: F401 - for math.sqrt

import torch
from torch import nn


class SelfAttention(nn.Module):
    def __init__(self, embed_dim: int, head_dim: int) -> None:
        super().__init__()
        # TODO: three nn.Linear(embed_dim, head_dim) layers named q, k and v
        self.head_dim = head_dim

    def forward(self, x: torch.Tensor, key_padding_mask: torch.Tensor | None = None,
                causal: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        # TODO: queries, keys and values (B, T, head_dim)
        # TODO: scores (B, T, T) = q @ k^T / sqrt(head_dim)
        # TODO: causal: hide the keys after each query; key_padding_mask (True = padding):
        #       hide the padded keys
        # TODO: softmax over the keys; return (weights @ v, weights)
        raise NotImplementedError("SelfAttention.forward")
