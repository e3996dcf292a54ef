"""An encoder-decoder Transformer written by hand, for a toy translation task.

Everything is built from nn.Linear, nn.Embedding and nn.LayerNorm; the attention is written out
(no nn.MultiheadAttention, no nn.Transformer). The layers are post-norm, as in "Attention Is All
You Need": x = LayerNorm(x + sublayer(x)). Tensors are batch-first, (B, L, D).

- The encoder reads the source with a key padding mask (src == pad_id), so padding is invisible.
- The decoder's self-attention has a causal mask: position t sees target positions <= t only.
- Its cross-attention reads the encoder's output ("memory") with the same source padding mask.
- Training shifts the target: the decoder reads [BOS, y1, ..., yn] and predicts [y1, ..., yn, EOS].
- Greedy decoding feeds its own predictions back, one token at a time, until EOS.
"""

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class PositionalEncoding(nn.Module):
    """Adds the fixed sinusoidal encoding pe[pos] to every (B, L, D) input, along L."""

    def __init__(self, d_model: int, max_len: int = 64) -> None:
        super().__init__()
        pos = torch.arange(max_len, dtype=torch.float32).unsqueeze(1)  # (max_len, 1)
        # 1 / 10000^(2i/d) for the even feature indices 2i
        inv_freq = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32)
                             * (-math.log(10000.0) / d_model))  # (D/2,)
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * inv_freq)
        pe[:, 1::2] = torch.cos(pos * inv_freq)
        # A buffer moves with .to(device) but is not a parameter; non-persistent: not saved.
        self.register_buffer("pe", pe, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.pe[: x.size(1)]  # (B, L, D) + (L, D): the same encoding for every sample


class MultiHeadAttention(nn.Module):
    """softmax(Q K^T / sqrt(head_dim)) V in nhead heads, then an output projection."""

    def __init__(self, d_model: int, nhead: int) -> None:
        super().__init__()
        assert d_model % nhead == 0, "d_model must be divisible by nhead"
        self.nhead, self.head_dim = nhead, d_model // nhead
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def _heads(self, x: Tensor) -> Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.nhead, self.head_dim).transpose(1, 2)  # (B, H, N, hd)

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, attn_mask: Tensor | None = None) -> Tensor:
        b, lq, d = query.shape
        q = self._heads(self.q_proj(query))  # (B, H, Lq, hd)
        k = self._heads(self.k_proj(key))  # (B, H, Lk, hd)
        v = self._heads(self.v_proj(value))  # (B, H, Lk, hd)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)  # (B, H, Lq, Lk)
        if attn_mask is not None:  # (Lq, Lk), True = may not attend
            scores = scores.masked_fill(attn_mask, float("-inf"))
        if key_padding_mask is not None:  # (B, Lk), True = padding
            scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        out = scores.softmax(dim=-1) @ v  # (B, H, Lq, hd)
        out = out.transpose(1, 2).reshape(b, lq, d)  # merge the heads: (B, Lq, D)
        return self.out_proj(out)


class EncoderLayer(nn.Module):
    def __init__(self, d_model: int, nhead: int, dim_ff: int) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, nhead)
        self.ff1, self.ff2 = nn.Linear(d_model, dim_ff), nn.Linear(dim_ff, d_model)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def forward(self, x: Tensor, src_pad: Tensor) -> Tensor:
        x = self.norm1(x + self.self_attn(x, x, x, key_padding_mask=src_pad))
        return self.norm2(x + self.ff2(F.relu(self.ff1(x))))


class DecoderLayer(nn.Module):
    def __init__(self, d_model: int, nhead: int, dim_ff: int) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, nhead)
        self.cross_attn = MultiHeadAttention(d_model, nhead)
        self.ff1, self.ff2 = nn.Linear(d_model, dim_ff), nn.Linear(dim_ff, d_model)
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(d_model) for _ in range(3))

    def forward(self, y: Tensor, memory: Tensor, causal: Tensor, src_pad: Tensor) -> Tensor:
        y = self.norm1(y + self.self_attn(y, y, y, attn_mask=causal))  # sees the past only
        y = self.norm2(y + self.cross_attn(y, memory, memory, key_padding_mask=src_pad))
        return self.norm3(y + self.ff2(F.relu(self.ff1(y))))


class TransformerMT(nn.Module):
    """Source ids (B, S) and shifted target ids (B, T) -> next-token logits (B, T, tgt_vocab)."""

    def __init__(self, src_vocab: int, tgt_vocab: int, d_model: int = 32, nhead: int = 4,
                 num_layers: int = 1, dim_ff: int = 64, max_len: int = 64,
                 pad_id: int = 0) -> None:
        super().__init__()
        self.pad_id = pad_id
        self.src_embed = nn.Embedding(src_vocab, d_model)
        self.tgt_embed = nn.Embedding(tgt_vocab, d_model)
        self.pos = PositionalEncoding(d_model, max_len)
        self.encoder_layers = nn.ModuleList(
            EncoderLayer(d_model, nhead, dim_ff) for _ in range(num_layers))
        self.decoder_layers = nn.ModuleList(
            DecoderLayer(d_model, nhead, dim_ff) for _ in range(num_layers))
        self.generator = nn.Linear(d_model, tgt_vocab)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        src_pad = src == self.pad_id  # (B, S), True at padding
        t = tgt_in.size(1)
        causal = torch.ones(t, t, dtype=torch.bool, device=src.device).triu(1)  # (T, T)
        memory = self.pos(self.src_embed(src))  # (B, S, D)
        for layer in self.encoder_layers:
            memory = layer(memory, src_pad)
        y = self.pos(self.tgt_embed(tgt_in))  # (B, T, D)
        for layer in self.decoder_layers:
            y = layer(y, memory, causal, src_pad)
        return self.generator(y)  # (B, T, tgt_vocab), logits


def translation_loss(model: nn.Module, src: Tensor, tgt: Tensor, pad_id: int = 0) -> Tensor:
    """Teacher forcing: tgt = [BOS, y1..yn, EOS, PAD...]; read tgt[:, :-1], predict tgt[:, 1:]."""
    logits = model(src, tgt[:, :-1])  # (B, T, V): position t has seen tgt[:, :t + 1]
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt[:, 1:].reshape(-1),
                           ignore_index=pad_id)  # mean over the real target tokens


@torch.no_grad()
def greedy_decode(model: nn.Module, src: Tensor, max_len: int, bos: int,
                  eos: int) -> list[list[int]]:
    """Most likely token at each step, fed back in; each sequence stops at its own EOS."""
    b = src.size(0)
    ys = torch.full((b, 1), bos, dtype=torch.long, device=src.device)  # (B, 1)
    out: list[list[int]] = [[] for _ in range(b)]
    done = [False] * b
    for _ in range(max_len):
        nxt = model(src, ys)[:, -1].argmax(dim=-1)  # (B,): the prediction after the last token
        for i, tok in enumerate(nxt.tolist()):
            if not done[i]:
                done[i] = tok == eos
                if not done[i]:
                    out[i].append(tok)
        if all(done):
            break
        ys = torch.cat([ys, nxt[:, None]], dim=1)  # finished rows keep running, unread
    return out
