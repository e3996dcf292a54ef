"""nn.Transformer built without batch_first=True but fed (B, L, D) tensors: it reads them as (L, B, D)."""

import torch
from torch import Tensor, nn


def make_masks(src: Tensor, tgt_in: Tensor, pad: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """(tgt_mask, src_key_padding_mask, tgt_key_padding_mask, memory_key_padding_mask)."""
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(
        tgt_in.size(1), device=src.device)  # (T, T): 0 on and below the diagonal, -inf above
    zeros_s = torch.zeros(src.shape, device=src.device)
    zeros_t = torch.zeros(tgt_in.shape, device=src.device)
    src_pad = zeros_s.masked_fill(src == pad, float("-inf"))  # (B, S)
    tgt_pad = zeros_t.masked_fill(tgt_in == pad, float("-inf"))  # (B, T)
    return tgt_mask, src_pad, tgt_pad, src_pad.clone()  # the memory is the encoded source


class Seq2SeqTransformer(nn.Module):
    """Source ids (B, S) and shifted target ids (B, T) -> next-token logits (B, T, tgt_vocab)."""

    def __init__(self, src_vocab: int, tgt_vocab: int, d_model: int = 32, nhead: int = 4,
                 num_encoder_layers: int = 1, num_decoder_layers: int = 1,
                 dim_feedforward: int = 64, max_len: int = 64, pad_id: int = 0) -> None:
        super().__init__()
        self.pad_id = pad_id
        self.src_embed = nn.Embedding(src_vocab, d_model)
        self.tgt_embed = nn.Embedding(tgt_vocab, d_model)
        self.pos = nn.Embedding(max_len, d_model)  # learned positions, shared by both sides
        # Keyword arguments: the positional order is (d_model, nhead, num_encoder_layers, ...)
        self.transformer = nn.Transformer(
            d_model=d_model, nhead=nhead, num_encoder_layers=num_encoder_layers,
            num_decoder_layers=num_decoder_layers, dim_feedforward=dim_feedforward,
            dropout=0.0)
        self.generator = nn.Linear(d_model, tgt_vocab)  # to the TARGET vocabulary

    def _embed(self, embed: nn.Embedding, ids: Tensor) -> Tensor:
        positions = torch.arange(ids.size(1), device=ids.device)  # (L,)
        return embed(ids) + self.pos(positions)  # (B, L, D) + (L, D)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        tgt_mask, src_pad, tgt_pad, mem_pad = make_masks(src, tgt_in, self.pad_id)
        out = self.transformer(
            self._embed(self.src_embed, src), self._embed(self.tgt_embed, tgt_in),
            tgt_mask=tgt_mask, src_key_padding_mask=src_pad,
            tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=mem_pad)  # (B, T, D)
        return self.generator(out)  # (B, T, tgt_vocab), logits
