"""BERT in miniature: masked-language-model inputs, and an encoder with an MLM and a [CLS] head."""

import torch
import torch.nn.functional as F  # noqa: F401 - you will want F.gelu
from torch import Tensor, nn

PAD_ID, CLS_ID, SEP_ID, MASK_ID = 0, 1, 2, 3
NUM_SPECIAL = 4  # ids 0..3 are special; ordinary tokens are 4..vocab_size-1


def mlm_mask(tokens: Tensor, special_mask: Tensor, mask_id: int, vocab_size: int,
             p: float = 0.15, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
    """BERT's 80/10/10 masking -> (inputs, labels); labels are -100 where nothing was selected."""
    # TODO: the three draws of the statement, in order: rand, rand, randint(NUM_SPECIAL, vocab_size)
    raise NotImplementedError


class MiniBert(nn.Module):
    """ids (B, L) -> (MLM logits (B, L, vocab_size), classification logits (B, num_labels))."""

    def __init__(self, vocab_size: int, d_model: int = 32, nhead: int = 4, num_layers: int = 2,
                 dim_ff: int = 64, max_len: int = 64, num_labels: int = 2) -> None:
        super().__init__()
        # TODO: tok_embed, pos_embed, seg_embed, embed_norm, encoder,
        #       mlm_dense, mlm_norm, mlm_bias, pooler, classifier
        raise NotImplementedError

    def forward(self, input_ids: Tensor, attention_mask: Tensor | None = None,
                token_type_ids: Tensor | None = None) -> tuple[Tensor, Tensor]:
        # TODO: embeddings -> embed_norm -> encoder (padding mask) -> the two heads
        raise NotImplementedError
