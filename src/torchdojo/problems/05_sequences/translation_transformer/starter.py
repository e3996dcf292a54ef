"""An encoder-decoder Transformer written by hand, for a toy translation task."""

import math  # noqa: F401 - you will want math.sqrt and math.log

import torch  # noqa: F401
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn


class PositionalEncoding(nn.Module):
    """Adds the sinusoidal encoding pe[pos] to a (B, L, D) input, along L."""

    def __init__(self, d_model: int, max_len: int = 64) -> None:
        super().__init__()
        # TODO: pe (max_len, d_model): pe[pos, 2i] = sin(pos / 10000^(2i/d)),
        #       pe[pos, 2i+1] = cos(pos / 10000^(2i/d)); register it as a non-persistent buffer "pe"
        raise NotImplementedError

    def forward(self, x: Tensor) -> Tensor:
        # TODO: x + pe for the first x.size(1) positions
        raise NotImplementedError


class MultiHeadAttention(nn.Module):
    """softmax(Q K^T / sqrt(head_dim)) V in nhead heads, then an output projection."""

    def __init__(self, d_model: int, nhead: int) -> None:
        super().__init__()
        # TODO: self.q_proj, self.k_proj, self.v_proj, self.out_proj = nn.Linear(d_model, d_model)
        raise NotImplementedError

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, attn_mask: Tensor | None = None) -> Tensor:
        # TODO: project, split into heads, scaled scores, masks (True = may not attend), softmax,
        #       weighted sum of the values, merge the heads, out_proj. Returns (B, Lq, d_model).
        raise NotImplementedError


class EncoderLayer(nn.Module):
    def __init__(self, d_model: int, nhead: int, dim_ff: int) -> None:
        super().__init__()
        # TODO: self_attn, ff1, ff2, norm1, norm2
        raise NotImplementedError

    def forward(self, x: Tensor, src_pad: Tensor) -> Tensor:
        # TODO: post-norm: x = norm1(x + self_attn(...)); x = norm2(x + ff2(relu(ff1(x))))
        raise NotImplementedError


class DecoderLayer(nn.Module):
    def __init__(self, d_model: int, nhead: int, dim_ff: int) -> None:
        super().__init__()
        # TODO: self_attn, cross_attn, ff1, ff2, norm1, norm2, norm3
        raise NotImplementedError

    def forward(self, y: Tensor, memory: Tensor, causal: Tensor, src_pad: Tensor) -> Tensor:
        # TODO: causal self-attention, cross-attention over memory, feed-forward (post-norm)
        raise NotImplementedError


class TransformerMT(nn.Module):
    """Source ids (B, S) and shifted target ids (B, T) -> next-token logits (B, T, tgt_vocab)."""

    def __init__(self, src_vocab: int, tgt_vocab: int, d_model: int = 32, nhead: int = 4,
                 num_layers: int = 1, dim_ff: int = 64, max_len: int = 64,
                 pad_id: int = 0) -> None:
        super().__init__()
        # TODO: src_embed, tgt_embed, pos, encoder_layers, decoder_layers, generator
        raise NotImplementedError

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        # TODO: source padding mask, causal mask, encoder, decoder, generator
        raise NotImplementedError


def translation_loss(model: nn.Module, src: Tensor, tgt: Tensor, pad_id: int = 0) -> Tensor:
    """tgt = [BOS, y1..yn, EOS, PAD...]: mean cross-entropy of the next-token predictions."""
    # TODO: teacher forcing with the target shifted by one; ignore the padding
    raise NotImplementedError


def greedy_decode(model: nn.Module, src: Tensor, max_len: int, bos: int,
                  eos: int) -> list[list[int]]:
    """The most likely token at each step, fed back in; each sequence stops at its own EOS."""
    # TODO: start from [bos]; at most max_len steps; no BOS or EOS in the returned lists
    raise NotImplementedError
