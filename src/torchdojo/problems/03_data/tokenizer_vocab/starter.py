"""A basic_english-style tokenizer and a vocabulary, in plain Python (torchtext is retired)."""

import re  # noqa: F401 - you may want it
from collections import Counter  # noqa: F401 - you may want it
from collections.abc import Iterable, Sequence

import torch


def basic_english_tokenize(s: str) -> list[str]:
    """``"Don't panic!"`` -> ``['don', "'", 't', 'panic', '!']``."""
    # TODO: lower-case, then split into words (\w+) and single punctuation characters
    raise NotImplementedError


class Vocab:
    """A token <-> id mapping; build it with ``Vocab.build``."""

    @classmethod
    def build(cls, token_iter: Iterable[list[str]], specials: Sequence[str] = ("<unk>",),
              min_freq: int = 1) -> "Vocab":
        """Count the tokens of every list in ``token_iter`` (one pass: it may be a generator)."""
        # TODO: count the tokens in one pass over token_iter
        # TODO: ids: the specials first (each once), then tokens with count >= min_freq,
        #       ordered by (-count, token)
        raise NotImplementedError

    def __len__(self) -> int:
        # TODO: the number of tokens, specials included
        raise NotImplementedError

    def __getitem__(self, token: str) -> int:
        # TODO: the token's id; the id of "<unk>" for a token not in the vocabulary
        raise NotImplementedError

    def __call__(self, tokens: list[str]) -> list[int]:
        # TODO: the id of every token
        raise NotImplementedError

    def lookup_token(self, i: int) -> str:
        # TODO: the token with id i; IndexError unless 0 <= i < len(self)
        raise NotImplementedError

    def encode(self, s: str) -> torch.Tensor:
        """Tokenize ``s`` and map it to ids: int64, shape ``(T,)`` (``(0,)`` for no tokens)."""
        # TODO: tokenize, look the ids up, return an int64 tensor
        raise NotImplementedError
