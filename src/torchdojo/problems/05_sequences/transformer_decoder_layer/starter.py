"""A Transformer decoder layer (post-norm), weight-compatible with
nn.TransformerDecoderLayer(batch_first=True)."""

import torch.nn.functional as F  # noqa: F401 - F.relu is one way to write the activation
from torch import Tensor, nn


class DecoderLayer(nn.Module):
    def __init__(self, d_model: int, nhead: int, dim_ff: int, dropout: float = 0.0) -> None:
        super().__init__()
        # TODO: self.self_attn and self.multihead_attn (nn.MultiheadAttention, batch_first=True),
        #       self.linear1, self.dropout, self.linear2, self.norm1..3, self.dropout1..3

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None) -> Tensor:
        """tgt (B, T, d), memory (B, S, d) -> (B, T, d)."""
        # TODO: masked self-attention (tgt_mask, tgt_key_padding_mask), residual, norm1
        # TODO: cross-attention over the memory (memory_key_padding_mask), residual, norm2
        # TODO: feed-forward network, residual, norm3
        raise NotImplementedError
