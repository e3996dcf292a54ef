"""A tiny WordPiece-like tokenizer and the alignment of word labels to its tokens."""

IGNORE_INDEX = -100


def tokenize_words(words: list[str], vocab: dict[str, int]) -> tuple[list[int], list[int | None]]:
    """[CLS] + greedy longest-match-first pieces of every word + [SEP]; word_ids per token
    (None for [CLS] and [SEP]); a word that cannot be split becomes one [UNK]."""
    # TODO: split each word longest-match-first ("##" inside a word), [UNK] for the whole word
    raise NotImplementedError


def align_labels(word_labels: list[int], word_ids: list[int | None],
                 label_all_subwords: bool = False,
                 b_to_i: dict[int, int] | None = None) -> list[int]:
    """-100 for special tokens; the word's label on its first token; -100 on later tokens, or
    the label (B- converted by b_to_i) when label_all_subwords is True."""
    # TODO: walk word_ids, comparing each entry with the previous one
    raise NotImplementedError
