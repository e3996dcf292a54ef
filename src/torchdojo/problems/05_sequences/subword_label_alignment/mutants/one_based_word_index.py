"""Off-by-one word index: treats word ids as 1-based because [CLS] comes first, and reads
word_labels[wid - 1] (word 0 silently takes the last word's label)."""

IGNORE_INDEX = -100


def tokenize_words(words: list[str], vocab: dict[str, int]) -> tuple[list[int], list[int | None]]:
    """[CLS] + greedy longest-match-first pieces of every word + [SEP], and each token's word."""
    ids: list[int] = [vocab["[CLS]"]]
    word_ids: list[int | None] = [None]
    for w, word in enumerate(words):
        pieces, start = [], 0
        while start < len(word):
            # the longest piece starting here; continuation pieces carry the "##" prefix
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in vocab:
                    pieces.append(vocab[piece])
                    start = end
                    break
            else:  # nothing matches at `start`: the whole word is unknown
                pieces = [vocab["[UNK]"]]
                break
        ids += pieces
        word_ids += [w] * len(pieces)
    ids.append(vocab["[SEP]"])
    word_ids.append(None)
    return ids, word_ids


def align_labels(word_labels: list[int], word_ids: list[int | None],
                 label_all_subwords: bool = False,
                 b_to_i: dict[int, int] | None = None) -> list[int]:
    """One label per token: -100 for special tokens, the word's label on its first piece, and
    on later pieces -100 (default) or the label (label_all_subwords), with B- turned into I-."""
    labels: list[int] = []
    previous = None
    for wid in word_ids:
        if wid is None:  # [CLS], [SEP], [PAD]: never scored
            labels.append(IGNORE_INDEX)
        elif wid != previous:  # the first piece of a new word
            labels.append(int(word_labels[wid - 1]))
        elif label_all_subwords:  # a continuation piece, labelled too
            label = int(word_labels[wid - 1])
            labels.append(b_to_i.get(label, label) if b_to_i else label)
        else:  # a continuation piece, skipped by the loss
            labels.append(IGNORE_INDEX)
        previous = wid
    return labels
