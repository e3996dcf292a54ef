"""Draws with the global random generator instead of the generator it was given: the result
does not depend on the caller's seed."""

import torch
from torch import nn


class CharRNN(nn.Module):
    """Embedding -> GRU -> linear: next-id logits at every position, and the last hidden state."""

    def __init__(self, vocab_size: int, embed: int, hidden: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed)
        self.rnn = nn.GRU(embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, x: torch.Tensor, h: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        out, h = self.rnn(self.embedding(x), h)  # out (B, T, hidden), h (1, B, hidden)
        return self.head(out), h  # logits (B, T, V) for every position


def sample(model: nn.Module, start_ids: list[int], length: int, temperature: float,
           generator: torch.Generator) -> list[int]:
    """Draw ``length`` ids after ``start_ids``; temperature 0 means greedy (argmax)."""
    if not start_ids:
        raise ValueError("start_ids must not be empty")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    was_training = model.training
    model.eval()  # no dropout-like behaviour while generating
    out: list[int] = []
    try:
        with torch.no_grad():  # no graph: sampling is not training
            # The prompt once: its last position predicts the first new id.
            logits, h = model(torch.tensor([start_ids]))  # (1, L, V), (1, 1, hidden)
            last = logits[0, -1]  # (V,)
            for i in range(length):
                if temperature == 0:
                    nxt = int(last.argmax())  # the limit T -> 0: the most likely id
                else:
                    probs = torch.softmax(last / temperature, dim=-1)  # over the vocabulary
                    nxt = int(torch.multinomial(probs, 1))
                out.append(nxt)
                if i + 1 < length:  # feed the new id with the carried state
                    logits, h = model(torch.tensor([[nxt]]), h)  # (1, 1, V)
                    last = logits[0, -1]
    finally:
        model.train(was_training)  # give the model back as it came
    return out
