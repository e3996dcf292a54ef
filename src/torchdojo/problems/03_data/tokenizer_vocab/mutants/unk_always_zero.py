"""Unknown tokens map to id 0, assuming '<unk>' is always the first special: wrong with
specials=('<pad>', '<unk>')."""

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
        """Count the tokens of every list in ``token_iter`` (one pass: it may be a generator)."""
        counter: Counter[str] = Counter()
        for tokens in token_iter:
            counter.update(tokens)
        # Specials already have their slots: a special that also occurs in the text is not
        # added a second time, and min_freq does not apply to it.
        for tok in specials:
            counter.pop(tok, None)
        # Keep the frequent enough tokens: most frequent first, ties in string order.
        kept = sorted((tok for tok, n in counter.items() if n >= min_freq),
                      key=lambda tok: (-counter[tok], tok))
        return cls(list(specials) + kept)

    def __len__(self) -> int:
        return len(self.itos)

    def __getitem__(self, token: str) -> int:
        # Unknown tokens fall back to <unk>'s id instead of raising KeyError.
        return self.stoi.get(token, 0)

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
