"""Mutant: pre-norm order (x + SA(norm1(x)), ...) instead of the post-norm layer the statement
fixes (norm1(x + SA(x)), ...)."""

import torch.nn.functional as F
from torch import Tensor, nn


class DecoderLayer(nn.Module):
    def __init__(self, d_model: int, nhead: int, dim_ff: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=True)
        self.multihead_attn = nn.MultiheadAttention(d_model, nhead, dropout=dropout,
                                                    batch_first=True)
        self.linear1 = nn.Linear(d_model, dim_ff)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_ff, d_model)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.norm3 = nn.LayerNorm(d_model)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.dropout3 = nn.Dropout(dropout)

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None,
                memory_key_padding_mask: Tensor | None = None) -> Tensor:
        x = tgt  # (B, T, d); memory is (B, S, d)
        # 1. masked self-attention: position t sees target positions allowed by tgt_mask
        h = self.norm1(x)
        sa, _ = self.self_attn(h, h, h, attn_mask=tgt_mask,
                               key_padding_mask=tgt_key_padding_mask, need_weights=False)
        x = x + self.dropout1(sa)
        # 2. cross-attention: queries from the decoder, keys and values from the memory
        ca, _ = self.multihead_attn(self.norm2(x), memory, memory,
                                    key_padding_mask=memory_key_padding_mask, need_weights=False)
        x = x + self.dropout2(ca)
        # 3. position-wise feed-forward network
        ff = self.linear2(self.dropout(F.relu(self.linear1(self.norm3(x)))))
        x = x + self.dropout3(ff)
        return x  # (B, T, d)
