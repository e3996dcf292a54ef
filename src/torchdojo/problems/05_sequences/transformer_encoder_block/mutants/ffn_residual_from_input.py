"""Mutant: the feed-forward residual carries the block's input around both sublayers
(norm2(src + FF(h))) instead of the attention sublayer's output h."""

import torch.nn.functional as F
from torch import Tensor, nn


class EncoderBlock(nn.Module):
    def __init__(self, d_model: int, nhead: int, dim_ff: int, dropout: float = 0.0,
                 norm_first: bool = False) -> None:
        super().__init__()
        # batch_first=True: inputs are (B, T, d_model); the dropout argument also drops
        # attention weights inside the attention module, as torch's layer does
        self.self_attn = nn.MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=True)
        self.linear1 = nn.Linear(d_model, dim_ff)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_ff, d_model)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.norm_first = norm_first

    def _sa(self, x: Tensor, key_padding_mask: Tensor | None) -> Tensor:
        # queries, keys and values all come from x; True in the mask = a padded key, ignored
        out, _ = self.self_attn(x, x, x, key_padding_mask=key_padding_mask, need_weights=False)
        return self.dropout1(out)  # (B, T, d_model)

    def _ff(self, x: Tensor) -> Tensor:
        # position-wise MLP: d_model -> dim_ff -> d_model, ReLU in between only
        return self.dropout2(self.linear2(self.dropout(F.relu(self.linear1(x)))))

    def forward(self, src: Tensor, src_key_padding_mask: Tensor | None = None) -> Tensor:
        x = src  # (B, T, d_model)
        if self.norm_first:
            # pre-norm: normalise the sublayer's input, add the raw stream back
            h = x + self._sa(self.norm1(x), src_key_padding_mask)
            x = x + self._ff(self.norm2(h))
        else:
            # post-norm: add, then normalise the sum
            h = self.norm1(x + self._sa(x, src_key_padding_mask))
            x = self.norm2(x + self._ff(h))
        return x  # (B, T, d_model)
