"""A Transformer encoder block (post-norm or pre-norm), weight-compatible with
nn.TransformerEncoderLayer(batch_first=True, activation="relu")."""

import torch.nn.functional as F  # noqa: F401 - F.relu is one way to write the activation
from torch import Tensor, nn


class EncoderBlock(nn.Module):
    def __init__(self, d_model: int, nhead: int, dim_ff: int, dropout: float = 0.0,
                 norm_first: bool = False) -> None:
        super().__init__()
        # TODO: self.self_attn (nn.MultiheadAttention, batch_first=True), self.linear1,
        #       self.dropout, self.linear2, self.norm1, self.norm2, self.dropout1, self.dropout2
        # TODO: remember norm_first
        self.norm_first = norm_first

    def forward(self, src: Tensor, src_key_padding_mask: Tensor | None = None) -> Tensor:
        """(B, T, d_model) -> (B, T, d_model); the mask is (B, T) bool, True = padding."""
        # TODO: self-attention sublayer with the padding mask, residual, LayerNorm
        # TODO: feed-forward sublayer, residual, LayerNorm (order depends on norm_first)
        raise NotImplementedError
