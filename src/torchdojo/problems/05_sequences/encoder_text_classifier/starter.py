"""A Transformer-encoder text classifier with a padding mask and masked mean pooling."""

import torch  # noqa: F401 - torch.arange gives the positions
from torch import Tensor, nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size: int, d_model: int, nhead: int, num_layers: int,
                 num_classes: int, max_len: int, pad_idx: int = 0,
                 dropout: float = 0.0) -> None:
        super().__init__()
        # TODO: self.embedding (padding_idx=pad_idx), self.pos_embedding (max_len rows),
        #       self.encoder = nn.TransformerEncoder of nn.TransformerEncoderLayer(
        #           d_model, nhead, dim_feedforward=2 * d_model, dropout=dropout, batch_first=True),
        #       self.fc
        self.pad_idx = pad_idx

    def forward(self, tokens: Tensor) -> Tensor:
        """(B, T) token ids, right-padded with pad_idx -> (B, num_classes) logits."""
        # TODO: the padding mask (True at pads), token + position embeddings
        # TODO: the encoder with src_key_padding_mask
        # TODO: the mean over real tokens only, then the linear head
        raise NotImplementedError
