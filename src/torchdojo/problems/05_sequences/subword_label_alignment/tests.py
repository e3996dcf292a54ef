"""Probes for subword_label_alignment: the tokenizer on fixed and seeded sentences (longest match
first, the "##" prefix, whole-word [UNK], the empty sentence), align_labels on many seeded
word_ids layouts (up to three pieces per word, runs of special tokens, truncation) in every
mode, exact Python types, inputs left unchanged, and the two functions together."""

import copy
import random

from torchdojo.probes import compare, probe

# A vocabulary in which some pieces exist both as word starts and as "##" continuations, and
# where a greedy longest match differs from a shortest one ("un" + "##happy" vs "unhappy").
PIECES = ["a", "b", "ab", "abc", "bc", "c", "un", "unhappy", "happy", "play", "ing", "er",
          "re", "Rey", "Ada", "visit", "the", "cat", "s"]
CONT = ["b", "c", "bc", "ab", "happy", "ing", "ed", "er", "s", "kja", "vik", "play", "a"]
VOCAB = {"[CLS]": 101, "[SEP]": 102, "[UNK]": 100, "[PAD]": 0}
for _p in PIECES:
    VOCAB[_p] = len(VOCAB) + 200
for _p in CONT:
    VOCAB["##" + _p] = len(VOCAB) + 200

OUT, B_PER, I_PER, B_LOC, I_LOC, B_ORG, I_ORG = range(7)
B_TO_I = {B_PER: I_PER, B_LOC: I_LOC, B_ORG: I_ORG}


def _types_judge(got, ref):
    """Exact structure and Python types first, then the values."""
    for case, want in ref.items():
        have = got.get(case)
        why = _bad_types(have, want)
        if why:
            return f"{case}: {why}"
        why = compare(have, want)
        if why:
            return f"{case}: got {_short(have)}, expected {_short(want)} ({why})"
    return None


def _bad_types(have, want) -> str | None:
    if isinstance(want, tuple):
        if not isinstance(have, tuple) or len(have) != len(want):
            return f"expected a tuple of {len(want)} lists, got {type(have).__name__}"
        return next((w for w in (_bad_types(h, r) for h, r in zip(have, want, strict=True))
                     if w), None)
    if not isinstance(have, list):
        return f"expected a list, got {type(have).__name__}"
    bad = [x for x in have if not (x is None or type(x) is int)]
    if bad:
        return f"expected Python ints (or None in word_ids), found a {type(bad[0]).__name__}"
    return None


def _short(x) -> str:
    s = repr(x)
    return s if len(s) <= 160 else s[:157] + "..."


# ------------------------------------------------------------------ the tokenizer

@probe(public=True, judge=_types_judge)
def tokenizer_examples(m):
    "tokenize_words on fixed sentences: one-, two- and three-piece words, an unknown word, the empty sentence"
    vocab = {"[CLS]": 0, "[SEP]": 1, "[UNK]": 2, "Ada": 3, "visit": 4, "##ed": 5, "Rey": 6,
             "##kja": 7, "##vik": 8}
    return {"Ada visited Reykjavik": m.tokenize_words(["Ada", "visited", "Reykjavik"], vocab),
            "Reykjavik Ada": m.tokenize_words(["Reykjavik", "Ada"], vocab),
            "Ada zzz visited": m.tokenize_words(["Ada", "zzz", "visited"], vocab),
            "empty": m.tokenize_words([], vocab)}


@probe(judge=_types_judge)
def tokenizer_longest_match(m):
    "greedy longest match first, '##' lookups for continuations, a word unknown after a matched prefix"
    cases = [["unhappy"], ["unhappyer"], ["abc", "abcbc"], ["playing", "replay"],
             ["aab"], ["cab"], ["abx"], ["the", "cats", "xyz"], ["Reykjavik"]]
    return {" ".join(w): m.tokenize_words(w, VOCAB) for w in cases}


def _random_word(rng: random.Random) -> str:
    """A word of 1-3 pieces from the vocabulary, or now and then one with an unknown letter."""
    word = rng.choice(PIECES) + "".join(rng.choice(CONT) for _ in range(rng.randint(0, 2)))
    if rng.random() < 0.1:
        i = rng.randint(0, len(word))
        word = word[:i] + "q" + word[i:]
    return word


@probe(judge=_types_judge)
def tokenizer_seeded(m):
    "tokenize_words on 60 seeded sentences of 0-6 words built from the vocabulary's pieces"
    rng = random.Random(7)
    out = {}
    for k in range(60):
        words = [_random_word(rng) for _ in range(rng.randint(0, 6))]
        case = f"sentence {k}: {' '.join(words)}"
        out[case] = m.tokenize_words(words, VOCAB)
    return out


# ------------------------------------------------------------------ align_labels

@probe(public=True, judge=_types_judge)
def align_example(m):
    "the statement's example: default, label_all_subwords=True with and without b_to_i"
    word_ids = [None, 0, 1, 1, 2, 2, 2, None]
    labels = [B_PER, OUT, B_LOC]
    return {"default": m.align_labels(labels, word_ids),
            "label_all_subwords": m.align_labels(labels, word_ids, label_all_subwords=True),
            "label_all_subwords, b_to_i": m.align_labels(labels, word_ids, True, B_TO_I)}


def _layout(rng: random.Random) -> tuple[list[int], list[int | None]]:
    """Random word labels and a word_ids list: [CLS], 1-3 pieces per word, [SEP], maybe [PAD]s;
    sometimes truncated (the last words missing) or with extra special tokens in between."""
    n = rng.randint(0, 7)
    labels = [rng.choice([OUT, OUT, B_PER, I_PER, B_LOC, I_LOC, B_ORG, I_ORG]) for _ in range(n)]
    keep = n if rng.random() < 0.7 else rng.randint(0, n)  # truncation keeps a prefix
    word_ids: list[int | None] = [None]
    for w in range(keep):
        word_ids += [w] * rng.choice([1, 1, 2, 3])
        if rng.random() < 0.1:
            word_ids.append(None)  # e.g. a [SEP] between two segments
    word_ids += [None] * rng.choice([1, 1, 2, 4])  # [SEP] and padding
    return labels, word_ids


@probe(judge=_types_judge)
def align_seeded(m):
    "align_labels on 80 seeded layouts (0-7 words, 1-3 pieces each, runs of special tokens, truncation), every mode"
    rng = random.Random(11)
    out = {}
    for k in range(80):
        labels, word_ids = _layout(rng)
        mode = k % 3
        case = f"case {k} (mode {mode}): labels {labels}, word_ids {word_ids}"
        if mode == 0:
            res = m.align_labels(labels, word_ids)
        elif mode == 1:
            res = m.align_labels(labels, word_ids, label_all_subwords=True)
        else:
            res = m.align_labels(labels, word_ids, label_all_subwords=True, b_to_i=B_TO_I)
        out[case] = res
    return out


@probe(judge=_types_judge)
def align_edge_cases(m):
    "the empty sentence, only special tokens, a single three-piece word, b_to_i given but label_all_subwords=False"
    return {"empty sentence": m.align_labels([], [None, None]),
            "no tokens at all": m.align_labels([], []),
            "special tokens only, words truncated away": m.align_labels([B_LOC], [None, None]),
            "one word of three pieces": m.align_labels([B_ORG], [None, 0, 0, 0, None]),
            "three pieces, label all": m.align_labels([B_ORG], [None, 0, 0, 0, None], True),
            "three pieces, label all, b_to_i": m.align_labels([B_ORG], [None, 0, 0, 0, None],
                                                              True, B_TO_I),
            "b_to_i without label_all": m.align_labels([B_PER, I_PER], [None, 0, 0, 1, None],
                                                       False, B_TO_I),
            "I- and O labels with b_to_i": m.align_labels([I_LOC, OUT], [None, 0, 0, 1, 1, None],
                                                          True, B_TO_I)}


def _unchanged_judge(got, ref):
    for key, same in got.items():
        if same is not True:
            return f"{key} was modified by the call; leave the inputs as they are"
    return None


@probe(judge=_unchanged_judge)
def inputs_not_modified(m):
    "the lists and dicts passed in are the same after the calls"
    words, vocab = ["unhappy", "cats", "zz"], copy.deepcopy(VOCAB)
    labels, word_ids, b_to_i = [B_PER, OUT, B_LOC], [None, 0, 0, 1, 1, None, 2, None, None], dict(
        B_TO_I)
    before = copy.deepcopy((words, vocab, labels, word_ids, b_to_i))
    m.tokenize_words(words, vocab)
    m.align_labels(labels, word_ids)
    m.align_labels(labels, word_ids, True, b_to_i)
    after = (words, vocab, labels, word_ids, b_to_i)
    names = ("words", "vocab", "word_labels", "word_ids", "b_to_i")
    return {name: a == b for name, a, b in zip(names, after, before, strict=True)}


@probe(judge=_types_judge)
def tokenize_then_align(m):
    "your tokenize_words then align_labels on an NER sentence, both modes"
    words = ["Ada", "visited", "the", "unhappy", "cats", "in", "Reykjavik"]
    tags = [B_PER, OUT, OUT, OUT, OUT, OUT, B_LOC]
    vocab = dict(VOCAB) | {"in": 900}
    _, word_ids = m.tokenize_words(words, vocab)
    return {"word_ids": word_ids,
            "first pieces": m.align_labels(tags, word_ids),
            "all pieces": m.align_labels(tags, word_ids, True, B_TO_I)}
