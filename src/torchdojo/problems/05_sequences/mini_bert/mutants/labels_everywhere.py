"""Labels keep the original token at every position instead of -100 where nothing was selected: the loss trains on visible tokens."""

import torch
import torch.nn.functional as F
from torch import Tensor, nn

PAD_ID, CLS_ID, SEP_ID, MASK_ID = 0, 1, 2, 3
NUM_SPECIAL = 4  # ids 0..3 are special; ordinary tokens are 4..vocab_size-1


def mlm_mask(tokens: Tensor, special_mask: Tensor, mask_id: int, vocab_size: int,
             p: float = 0.15, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
    """BERT's 80/10/10 masking. Three draws, in this order, each of tokens' full shape."""
    u = torch.rand(tokens.shape, generator=generator)  # 1: which tokens are selected
    v = torch.rand(tokens.shape, generator=generator)  # 2: what happens to a selected token
    random_ids = torch.randint(NUM_SPECIAL, vocab_size, tokens.shape,
                               generator=generator)  # 3: replacements, ordinary ids only
    selected = (u < p) & ~special_mask  # special tokens are never prediction targets
    to_mask = selected & (v < 0.8)
    to_random = selected & (v >= 0.8) & (v < 0.9)  # the remaining 10% keep their token
    inputs = tokens.masked_fill(to_mask, mask_id)  # a new tensor: tokens is not modified
    inputs = torch.where(to_random, random_ids, inputs)
    labels = tokens.clone()
    return inputs, labels


class MiniBert(nn.Module):
    """ids (B, L) -> (MLM logits (B, L, vocab_size), classification logits (B, num_labels))."""

    def __init__(self, vocab_size: int, d_model: int = 32, nhead: int = 4, num_layers: int = 2,
                 dim_ff: int = 64, max_len: int = 64, num_labels: int = 2) -> None:
        super().__init__()
        self.tok_embed = nn.Embedding(vocab_size, d_model)
        self.pos_embed = nn.Embedding(max_len, d_model)
        self.seg_embed = nn.Embedding(2, d_model)  # sentence A = 0, sentence B = 1
        self.embed_norm = nn.LayerNorm(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_ff, dropout=0.0,
                                           activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        # MLM head: dense -> gelu -> LayerNorm -> (tied) projection onto the vocabulary
        self.mlm_dense = nn.Linear(d_model, d_model)
        self.mlm_norm = nn.LayerNorm(d_model)
        self.mlm_bias = nn.Parameter(torch.zeros(vocab_size))
        # Classification head on [CLS]: tanh pooler -> linear
        self.pooler = nn.Linear(d_model, d_model)
        self.classifier = nn.Linear(d_model, num_labels)

    def forward(self, input_ids: Tensor, attention_mask: Tensor | None = None,
                token_type_ids: Tensor | None = None) -> tuple[Tensor, Tensor]:
        b, n = input_ids.shape
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        positions = torch.arange(n, device=input_ids.device)  # (L,)
        x = self.tok_embed(input_ids) + self.pos_embed(positions) + self.seg_embed(token_type_ids)
        x = self.embed_norm(x)  # (B, L, D)
        # attention_mask: 1 = real token, 0 = padding; the encoder wants True = padding
        pad = None if attention_mask is None else attention_mask == 0  # (B, L) bool
        h = self.encoder(x, src_key_padding_mask=pad)  # (B, L, D)
        z = self.mlm_norm(F.gelu(self.mlm_dense(h)))
        mlm_logits = z @ self.tok_embed.weight.T + self.mlm_bias  # (B, L, V), tied weights
        cls = torch.tanh(self.pooler(h[:, 0]))  # (B, D): the [CLS] position
        return mlm_logits, self.classifier(cls)  # (B, num_labels)
