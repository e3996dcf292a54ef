"""A toy translator around nn.Transformer: embeddings, positions, the four masks, a generator."""

import torch  # noqa: F401
from torch import Tensor, nn


def make_masks(src: Tensor, tgt_in: Tensor, pad: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """(tgt_mask, src_key_padding_mask, tgt_key_padding_mask, memory_key_padding_mask), all float."""
    # TODO: tgt_mask from nn.Transformer.generate_square_subsequent_mask;
    #       padding masks of zeros with -inf where the ids equal pad
    raise NotImplementedError


class Seq2SeqTransformer(nn.Module):
    """Source ids (B, S) and shifted target ids (B, T) -> next-token logits (B, T, tgt_vocab)."""

    def __init__(self, src_vocab: int, tgt_vocab: int, d_model: int = 32, nhead: int = 4,
                 num_encoder_layers: int = 1, num_decoder_layers: int = 1,
                 dim_feedforward: int = 64, max_len: int = 64, pad_id: int = 0) -> None:
        super().__init__()
        # TODO: self.src_embed, self.tgt_embed, self.pos, self.transformer, self.generator
        raise NotImplementedError

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        # TODO: embeddings + positions, make_masks, self.transformer(...), self.generator
        raise NotImplementedError
