"""Counts the specials like any other token: a special that occurs in the text gets a second
id (and the lookup table keeps only the later one)."""

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import torch

_TOKEN = re.compile(r"\w+|[^\w\s]")


def basic_english_tokenize(s: str) -> list[str]:
    """``"Don't panic!"`` -> ``['don', "'", 't', 'panic', '!']``."""
    return _TOKEN.findall(s.lower())


class Vocab:
    """A token <-> id mapping; build it with ``Vocab.build``."""

    def __init__(self, itos: list[str], unk_token: str = "<unk>") -> None:
        self.itos = list(itos)
        self.stoi = {tok: i for i, tok in enumerate(self.itos)}
        self.unk_index = self.stoi[unk_token]

    @classmethod
    def build(cls, token_iter: Iterable[list[str]], specials: Sequence[str] = ("<unk>",),
              min_freq: int = 1) -> "Vocab":
        """Count the tokens of every list in ``token_iter`` (one pass: it may be a generator)."""
        counter: Counter[str] = Counter()
        for tokens in token_iter:
            counter.update(tokens)
        kept = sorted((tok for tok, n in counter.items() if n >= min_freq),
                      key=lambda tok: (-counter[tok], tok))
        return cls(list(specials) + kept)

    def __len__(self) -> int:
        return len(self.itos)

    def __getitem__(self, token: str) -> int:
        return self.stoi.get(token, self.unk_index)

    def __call__(self, tokens: list[str]) -> list[int]:
        return [self[tok] for tok in tokens]

    def lookup_token(self, i: int) -> str:
        if not 0 <= i < len(self.itos):
            raise IndexError(f"token id {i} is outside 0..{len(self.itos) - 1}")
        return self.itos[i]

    def encode(self, s: str) -> torch.Tensor:
        """Tokenize ``s`` and map it to ids: int64, shape ``(T,)`` (``(0,)`` for no tokens)."""
        return torch.tensor(self(basic_english_tokenize(s)), dtype=torch.int64)
