"""A Transformer decoder layer (post-norm), weight-compatible with
``nn.TransformerDecoderLayer(d_model, nhead, dim_ff, dropout, batch_first=True)``.

Three sublayers, each inside a residual connection followed by a LayerNorm:
  masked self-attention over the target  x = norm1(x + SA(x))      (tgt_mask: no peeking ahead)
  cross-attention into the memory        x = norm2(x + CA(x, mem))  (queries from x, keys and
                                                                     values from the memory)
  feed-forward network                   x = norm3(x + FF(x))
"""

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
        sa, _ = self.self_attn(x, x, x, attn_mask=tgt_mask,
                               key_padding_mask=tgt_key_padding_mask, need_weights=False)
        x = self.norm1(x + self.dropout1(sa))
        # 2. cross-attention: queries from the decoder, keys and values from the memory
        ca, _ = self.multihead_attn(x, memory, memory,
                                    key_padding_mask=memory_key_padding_mask, need_weights=False)
        x = self.norm2(x + self.dropout2(ca))
        # 3. position-wise feed-forward network
        ff = self.linear2(self.dropout(F.relu(self.linear1(x))))
        x = self.norm3(x + self.dropout3(ff))
        return x  # (B, T, d)
