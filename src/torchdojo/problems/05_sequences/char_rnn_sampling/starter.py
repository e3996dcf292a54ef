"""A character-level GRU language model and temperature sampling from it."""

import torch
from torch import nn


class CharRNN(nn.Module):
    """Embedding -> GRU -> linear: next-id logits at every position, and the last hidden state."""

    def __init__(self, vocab_size: int, embed: int, hidden: int) -> None:
        super().__init__()
        # TODO: self.embedding, self.rnn (nn.GRU, batch_first=True), self.head
        raise NotImplementedError

    def forward(self, x: torch.Tensor, h: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        # TODO: logits (B, T, vocab_size) for every position, and the GRU's new hidden state
        raise NotImplementedError


def sample(model: nn.Module, start_ids: list[int], length: int, temperature: float,
           generator: torch.Generator) -> list[int]:
    """Draw ``length`` ids after ``start_ids``; temperature 0 means greedy (argmax)."""
    # TODO: check the arguments; eval mode and no graph while sampling, the mode restored after
    # TODO: feed the prompt once, then each new id with the carried hidden state
    # TODO: each draw: torch.multinomial(torch.softmax(logits / temperature, dim=-1), 1,
    #       generator=generator); argmax when temperature == 0
    raise NotImplementedError
