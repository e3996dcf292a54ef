"""A GRU encoder-decoder (seq2seq) with teacher forcing and greedy decoding."""

import torch
from torch import nn


class Encoder(nn.Module):
    """Embedding -> one-layer GRU (batch_first) over the whole source."""

    def __init__(self, vocab: int, embed: int, hidden: int) -> None:
        super().__init__()
        # TODO: self.embedding = nn.Embedding(...), self.rnn = nn.GRU(..., batch_first=True)
        raise NotImplementedError

    def forward(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """src (B, S) -> outputs (B, S, hidden), final hidden state (1, B, hidden)."""
        # TODO: embed src, run the GRU, return (outputs, hidden)
        raise NotImplementedError


class Decoder(nn.Module):
    """One decoding step: embedding -> GRU step -> Linear to the vocabulary."""

    def __init__(self, vocab: int, embed: int, hidden: int) -> None:
        super().__init__()
        # TODO: self.embedding, self.rnn (batch_first GRU), self.out = nn.Linear(hidden, vocab)
        raise NotImplementedError

    def forward(self, tokens: torch.Tensor, hidden: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """tokens (B,), hidden (1, B, hidden) -> logits (B, vocab), new hidden (1, B, hidden)."""
        # TODO: one GRU step from `hidden`; return logits (no softmax) and the new state
        raise NotImplementedError


def shift_right(tgt: torch.Tensor, bos: int) -> torch.Tensor:
    """The decoder input for targets tgt (B, T): bos, then tgt without its last token."""
    # TODO: a new tensor; do not modify tgt
    raise NotImplementedError


class Seq2Seq(nn.Module):
    def __init__(self, encoder: Encoder, decoder: Decoder, bos: int, eos: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.bos = bos
        self.eos = eos

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor,
                teacher_forcing_ratio: float = 1.0,
                generator: torch.Generator | None = None) -> torch.Tensor:
        """Logits (B, T, vocab) for tgt_in (B, T); one draw from `generator` per step t >= 1."""
        # TODO: start the decoder from the encoder's final state; step 0 feeds tgt_in[:, 0];
        # at step t >= 1, u = torch.rand((), generator=generator).item(): tgt_in[:, t] if
        # u < teacher_forcing_ratio, else the argmax of step t-1's logits
        raise NotImplementedError

    @torch.no_grad()
    def greedy_decode(self, src: torch.Tensor, max_len: int) -> list[list[int]]:
        """Per sequence: the greedy tokens before its first EOS, at most max_len of them."""
        # TODO: bos first, argmax fed back, stop each sequence at its own eos
        raise NotImplementedError
