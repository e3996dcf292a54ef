"""Counts in one pass over token_iter and collects the vocabulary in a second: a generator is
exhausted by then, so only the specials are left."""

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import torch

# A word (\w+), or one single character that is neither a word character nor whitespace.
_TOKEN = re.compile(r"\w+|[^\w\s]")


def basic_english_tokenize(s: str) -> list[str]:
    """``"Don't panic!"`` -> ``['don', "'", 't', 'panic', '!']``."""
    return _TOKEN.findall(s.lower())


class Vocab:
    """A token <-> id mapping; build it with ``Vocab.build``."""

    def __init__(self, itos: list[str], unk_token: str = "<unk>") -> None:
        self.itos = list(itos)  # id -> token
        self.stoi = {tok: i for i, tok in enumerate(self.itos)}  # token -> id
        self.unk_index = self.stoi[unk_token]

    @classmethod
    def build(cls, token_iter: Iterable[list[str]], specials: Sequence[str] = ("<unk>",),
              min_freq: int = 1) -> "Vocab":
        counter = Counter(tok for tokens in token_iter for tok in tokens)
        # The distinct tokens, collected in a second pass over token_iter.
        distinct = {tok for tokens in token_iter for tok in tokens} - set(specials)
        kept = sorted((tok for tok in distinct if counter[tok] >= min_freq),
                      key=lambda tok: (-counter[tok], tok))
        return cls(list(specials) + kept)

    def __len__(self) -> int:
        return len(self.itos)

    def __getitem__(self, token: str) -> int:
        # Unknown tokens fall back to <unk>'s id instead of raising KeyError.
        return self.stoi.get(token, self.unk_index)

    def __call__(self, tokens: list[str]) -> list[int]:
        return [self[tok] for tok in tokens]

    def lookup_token(self, i: int) -> str:
        # No negative indices: -1 is not "the last token" but a bad id.
        if not 0 <= i < len(self.itos):
            raise IndexError(f"token id {i} is outside 0..{len(self.itos) - 1}")
        return self.itos[i]

    def encode(self, s: str) -> torch.Tensor:
        """Tokenize ``s`` and map it to ids: int64, shape ``(T,)`` (``(0,)`` for no tokens)."""
        # An explicit dtype: torch.tensor([]) alone would be float32.
        return torch.tensor(self(basic_english_tokenize(s)), dtype=torch.int64)  # (T,)
