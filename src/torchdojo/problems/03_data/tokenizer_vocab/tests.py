"""Probes for tokenizer_vocab: exact tokens, vocabulary order and ids, <unk>, min_freq, specials,
int64 encoding, id <-> token round trips, one-pass building, and a seeded end-to-end corpus."""

import random

from torchdojo.probes import compare, probe, raised

CORPUS = ["The cat sat on the mat.", "The dog sat on the log!", "A cat and a dog."]


def _itos(vocab) -> list[str]:
    """Every token of the vocabulary, by id."""
    return [vocab.lookup_token(i) for i in range(len(vocab))]


def _seeded_corpus(n: int, seed: int) -> list[str]:
    """n seeded sentences: Zipf-like word frequencies, capitals, digits, punctuation."""
    rng = random.Random(seed)
    words = ["the", "model", "data", "batch", "loss", "grad", "layer", "token", "vocab", "epoch",
             "train", "test", "GPU", "it's", "don't", "x2", "3.5", "e-mail", "naïve", "über"]
    weights = [1 / (k + 1) for k in range(len(words))]
    out = []
    for _ in range(n):
        ws = rng.choices(words, weights, k=rng.randint(3, 9))
        ws[0] = ws[0].capitalize()
        out.append(" ".join(ws) + rng.choice([".", "!", "?", "...", ",", ""]))
    return out


def _is_tokens(x) -> bool:
    return isinstance(x, list) and all(isinstance(t, str) for t in x)


def _diff(got, ref, path: str = "") -> str | None:
    """compare(), but a list of tokens reports its first differing position and both tokens."""
    if _is_tokens(ref) and ref and _is_tokens(got):
        where = f"{path}: " if path else ""
        for k, (g, r) in enumerate(zip(got, ref, strict=False)):
            if g != r:
                sizes = "" if len(got) == len(ref) else (
                    f"expected {len(ref)} tokens, got {len(got)}; ")
                return f"{where}{sizes}first difference at position {k}: expected {r!r}, got {g!r}"
        if len(got) != len(ref):
            extra = got[len(ref):] or ref[len(got):]
            what = "extra" if len(got) > len(ref) else "missing"
            return (f"{where}expected {len(ref)} tokens, got {len(got)}; {what} at the end: "
                    f"{extra[:5]!r}")
        return None
    if isinstance(ref, dict) and isinstance(got, dict) and set(ref) <= set(got):
        for key in ref:
            msg = _diff(got[key], ref[key], f"{path}[{key!r}]")
            if msg:
                return msg
        return None
    if isinstance(ref, list) and isinstance(got, list) and len(got) == len(ref):
        for k, (g, r) in enumerate(zip(got, ref, strict=True)):
            msg = _diff(g, r, f"{path}[{k}]")
            if msg:
                return msg
        return None
    return compare(got, ref, path=path)


# ---------------------------------------------------------------- tokenizer


@probe(public=True, judge=_diff)
def tokenize_examples(m):
    "basic_english_tokenize on five fixed sentences (case, punctuation, apostrophes, digits)"
    return {s: m.basic_english_tokenize(s) for s in [
        "This is a PyTorch example.",
        "Don't panic!",
        "It costs $3.50 (roughly).",
        "e-mail: USER@Example.com",
        "Wait... what?!",
    ]}


@probe(judge=_diff)
def tokenize_edge_cases(m):
    "basic_english_tokenize on whitespace, the empty string, underscores, accents, quotes, <tags>"
    return {s: m.basic_english_tokenize(s) for s in [
        "  spaces\tand\nnewlines  ",
        "",
        "snake_case and 42nd",
        "Café naïve ÉCOLE",
        '"Quoted," she said; fine.',
        "<unk> is not <pad>",
        "--> 100% (sure)!!",
    ]}


@probe(judge=_diff)
def tokenize_unicode_case(m):
    "basic_english_tokenize on German, Greek and ligature letters whose lower case is special"
    return {s: m.basic_english_tokenize(s) for s in [
        "Die Straße ist GROSS.",
        "ΟΔΟΣ και ΣΟΦΟΣ",
        "The ﬁnal ﬂow",
    ]}


# ---------------------------------------------------------------- Vocab


@probe(public=True, judge=_diff)
def vocab_small_corpus(m):
    "Vocab.build on 3 tokenized sentences: len, every token by id, ids of a new sentence"
    vocab = m.Vocab.build([m.basic_english_tokenize(s) for s in CORPUS])
    return {"tokens by id": _itos(vocab), "len": len(vocab),
            "ids of 'The cat chased a mouse.'": vocab(
                m.basic_english_tokenize("The cat chased a mouse."))}


@probe(judge=_diff)
def order_frequency_then_token(m):
    "token lists with many frequency ties: every token by id"
    lists = [["b", "c", "a"], ["c", "b", "d"], ["e", "d", "z"], ["z", "y", "x", "a"],
             ["!", "y", "10", "9"], ["x"]]
    return _itos(m.Vocab.build(lists))


@probe(judge=_diff)
def unknown_tokens(m):
    "specials=('<pad>', '<unk>'): unknown tokens, a mixed list, and <unk> itself"
    vocab = m.Vocab.build([m.basic_english_tokenize(s) for s in CORPUS],
                          specials=("<pad>", "<unk>"))
    return {"vocab['zebra']": vocab["zebra"], "vocab['Cat']": vocab["Cat"],
            "vocab['cat']": vocab["cat"], "vocab['<unk>']": vocab["<unk>"],
            "vocab(['cat', 'zebra', 'the', ''])": vocab(["cat", "zebra", "the", ""])}


@probe(judge=_diff)
def min_freq_filter(m):
    "tokens seen 1, 2 and 3 times, built with min_freq = 1, 2, 3 and 4"
    lists = [["once", "twice", "thrice"], ["twice", "thrice", "also2"], ["thrice", "also2"]]
    return {f"min_freq={k}": _itos(m.Vocab.build(lists, min_freq=k)) for k in (1, 2, 3, 4)}


@probe(judge=_diff)
def specials_first_never_duplicated(m):
    "specials ('<pad>', '<unk>', '<bos>') that also occur in the token lists; min_freq 1 and 3"
    lists = [["<unk>", "hello", "<pad>", "<unk>"], ["hello", "<unk>", "world"],
             ["hello", "<eos>", "<unk>"]]
    specials = ("<pad>", "<unk>", "<bos>")
    out = {}
    for k in (1, 3):
        vocab = m.Vocab.build(lists, specials=specials, min_freq=k)
        out[f"min_freq={k}"] = {"tokens by id": _itos(vocab), "len": len(vocab),
                                "ids of the specials": vocab(list(specials)),
                                "vocab['nope']": vocab["nope"]}
    return out


@probe(judge=_diff)
def encode_int64(m):
    "vocab.encode on a sentence, one with unknown words, and the empty string: values and dtype"
    vocab = m.Vocab.build([m.basic_english_tokenize(s) for s in CORPUS])
    return {"'The dog sat.'": vocab.encode("The dog sat."),
            "'Zebra, the CAT!'": vocab.encode("Zebra, the CAT!"),
            "''": vocab.encode("")}


@probe(judge=_diff)
def round_trip(m):
    "vocab[lookup_token(i)] == i for every id; lookup_token of -1 and len(vocab) raise IndexError"
    vocab = m.Vocab.build([m.basic_english_tokenize(s) for s in CORPUS],
                          specials=("<unk>", "<pad>"))
    n = len(vocab)
    return {"vocab[lookup_token(i)]": [vocab[vocab.lookup_token(i)] for i in range(n)],
            "lookup_token(vocab[t])": [vocab.lookup_token(vocab[t])
                                       for t in ["the", "cat", "zebra", "<pad>"]],
            "lookup_token(len(vocab))": raised(lambda: vocab.lookup_token(n)),
            "lookup_token(-1)": raised(lambda: vocab.lookup_token(-1))}


@probe(judge=_diff)
def built_from_a_generator(m):
    "Vocab.build(generator of token lists): the generator can be read only once"
    sentences = _seeded_corpus(12, seed=1)
    vocab = m.Vocab.build(m.basic_english_tokenize(s) for s in sentences)
    return {"tokens by id": _itos(vocab), "len": len(vocab)}


@probe(judge=_diff)
def seeded_corpus_end_to_end(m):
    "60 seeded sentences, 4 specials, min_freq=2: vocabulary, then encode 3 new sentences"
    vocab = m.Vocab.build([m.basic_english_tokenize(s) for s in _seeded_corpus(60, seed=2)],
                          specials=("<unk>", "<pad>", "<bos>", "<eos>"), min_freq=2)
    return {"tokens by id": _itos(vocab),
            "encoded": [vocab.encode(s) for s in _seeded_corpus(3, seed=3)]}
