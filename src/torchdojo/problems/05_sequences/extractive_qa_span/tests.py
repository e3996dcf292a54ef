"""Probes for extractive_qa_span: many seeded single cases and batches compared with the
reference (which agrees with a brute-force search over all pairs), ties on integer logits,
max_answer_len 1 and larger than L, question tokens with high scores, huge logits, exact return
types, ValueError for impossible inputs, inputs left unchanged, and scale: (16, 512) values and
the time of a (4, 512) call with the full band."""

import random
import time

import torch

from torchdojo.probes import probe, raised


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _qa_mask(length: int, q_len: int, pad: int) -> torch.Tensor:
    """[CLS] q_len question tokens [SEP] context [SEP] pad*[PAD]: True on the context only."""
    mask = torch.zeros(length, dtype=torch.bool)
    mask[q_len + 2:length - 1 - pad] = True
    return mask


def _case(rng: random.Random, g: torch.Generator, length: int, ints: bool = False):
    """Seeded logits and a contiguous context somewhere in [0, length)."""
    if ints:  # small integers: many exact ties
        start = torch.randint(-2, 3, (length,), generator=g).float()
        end = torch.randint(-2, 3, (length,), generator=g).float()
    else:
        start, end = torch.randn(length, generator=g) * 3, torch.randn(length, generator=g) * 3
    a = rng.randint(0, length - 1)
    b = rng.randint(a, length - 1)
    mask = torch.zeros(length, dtype=torch.bool)
    mask[a:b + 1] = True
    return start, end, mask


def _span_judge(got, ref):
    """Exact types (tuple of two Python ints; a list of them), then the values, case by case."""
    for case, want in ref.items():
        have = got.get(case)
        why = _bad_type(have, want)
        if why:
            return f"{case}: {why}"
        if have != want:
            return f"{case}: got {_short(have)}, expected {_short(want)}"
    return None


def _bad_type(have, want) -> str | None:
    if isinstance(want, list):
        if not isinstance(have, list):
            return f"best_spans must return a list, got {type(have).__name__}"
        if len(have) != len(want):
            return f"{len(have)} spans for a batch of {len(want)}"
        return next((w for w in (_bad_type(h, r) for h, r in zip(have, want, strict=True)) if w),
                    None)
    if isinstance(want, tuple):
        if not isinstance(have, tuple) or len(have) != 2:
            return f"a span must be a tuple (start, end), got {type(have).__name__}"
        bad = [x for x in have if type(x) is not int]
        if bad:
            return f"start and end must be Python ints, got {type(bad[0]).__name__}"
        return None
    return None if have == want else f"got {have!r}, expected {want!r}"


def _short(x) -> str:
    s = repr(x)
    return s if len(s) <= 160 else s[:157] + "..."


# ------------------------------------------------------------------ single sequences

@probe(public=True, judge=_span_judge)
def statement_example(m):
    "the statement's example with max_answer_len 3 and 1"
    start = torch.tensor([9.0, 0.1, 2.0, 0.3, 1.0, 0.0])
    end = torch.tensor([9.0, 3.0, 0.2, 0.4, 2.5, 0.1])
    mask = torch.tensor([False, False, True, True, True, True])
    return {"max_answer_len 3": m.best_span(start, end, 3, mask),
            "max_answer_len 1": m.best_span(start, end, 1, mask)}


@probe(public=True, judge=_span_judge)
def seeded_single(m):
    "120 seeded cases, L from 1 to 30, random contexts and max_answer_len from 1 to L + 2"
    rng, g, out = random.Random(1), _gen(1), {}
    for k in range(120):
        length = rng.randint(1, 30)
        start, end, mask = _case(rng, g, length)
        k_max = rng.randint(1, length + 2)
        case = (f"case {k}: L {length}, max_answer_len {k_max}, "
                f"context {mask.nonzero().flatten()[[0, -1]].tolist()}")
        out[case] = m.best_span(start, end, k_max, mask)
    return out


@probe(judge=_span_judge)
def ties(m):
    "80 seeded cases with small integer logits (many exact ties): the earliest start, then the shortest"
    rng, g, out = random.Random(2), _gen(2), {}
    for k in range(80):
        length = rng.randint(2, 16)
        start, end, mask = _case(rng, g, length, ints=True)
        k_max = rng.randint(1, length)
        case = (f"case {k}: start {start.int().tolist()}, end {end.int().tolist()}, "
                f"mask {mask.int().tolist()}, max_answer_len {k_max}")
        out[case] = m.best_span(start, end, k_max, mask)
    out["all equal"] = m.best_span(torch.ones(6), torch.ones(6), 4, _qa_mask(6, 1, 0))
    return out


@probe(judge=_span_judge)
def short_and_long_limits(m):
    "max_answer_len 1 (start == end), max_answer_len larger than L, a one-token context"
    rng, g, out = random.Random(3), _gen(3), {}
    for k in range(20):
        length = rng.randint(3, 20)
        start, end, mask = _case(rng, g, length)
        out[f"max_answer_len 1, case {k}"] = m.best_span(start, end, 1, mask)
        out[f"max_answer_len {length + 5}, case {k}"] = m.best_span(start, end, length + 5, mask)
    one = torch.zeros(7, dtype=torch.bool)
    one[4] = True
    out["one-token context"] = m.best_span(torch.randn(7, generator=g),
                                           torch.randn(7, generator=g), 3, one)
    out["L = 1"] = m.best_span(torch.tensor([0.5]), torch.tensor([-2.0]), 1,
                               torch.tensor([True]))
    return out


@probe(judge=_span_judge)
def question_scores_ignored(m):
    "the highest start and end logits sit on [CLS] and the question: the span stays in the context"
    g, out = _gen(4), {}
    for k, (length, q_len, pad) in enumerate(((12, 3, 0), (20, 6, 4), (9, 2, 2))):
        start, end = torch.randn(length, generator=g), torch.randn(length, generator=g)
        start[:q_len + 2] += 20  # [CLS] and the question look like great starts...
        end[1:q_len + 1] += 20  # ...and the question like a great end
        out[f"case {k}: L {length}, question {q_len}, padding {pad}"] = m.best_span(
            start, end, 5, _qa_mask(length, q_len, pad))
    return out


@probe(judge=_span_judge)
def huge_logits(m):
    "logits of size +-10000"
    g, out = _gen(5), {}
    for k in range(5):
        start, end = torch.randn(40, generator=g) * 1e4, torch.randn(40, generator=g) * 1e4
        out[f"case {k}"] = m.best_span(start, end, 8, _qa_mask(40, 5, 3))
    return out


@probe()
def invalid_inputs(m):
    "ValueError for an all-False context mask (single and batched) and for max_answer_len 0"
    x = torch.randn(6, generator=_gen(6))
    none = torch.zeros(6, dtype=torch.bool)
    mask = _qa_mask(6, 1, 0)
    rows = torch.stack([mask, none])
    return {"empty context": raised(lambda: m.best_span(x, x, 3, none)),
            "max_answer_len 0": raised(lambda: m.best_span(x, x, 0, mask)),
            "one empty row": raised(lambda: m.best_spans(torch.stack([x, x]),
                                                         torch.stack([x, x]), 3, rows))}


def _unchanged_judge(got, ref):
    for name, same in got.items():
        if same is not True:
            return f"{name} was modified by the call; leave the inputs as they are"
    return None


@probe(judge=_unchanged_judge)
def inputs_not_modified(m):
    "the logits and the mask are the same after best_span and best_spans"
    g = _gen(7)
    start, end = torch.randn(3, 15, generator=g), torch.randn(3, 15, generator=g)
    mask = torch.stack([_qa_mask(15, q, 1) for q in (2, 4, 6)])
    before = [start.clone(), end.clone(), mask.clone()]
    m.best_span(start[0], end[0], 4, mask[0])
    m.best_spans(start, end, 4, mask)
    return {name: bool(torch.equal(a, b)) for name, a, b in
            zip(("start_logits", "end_logits", "context_mask"), (start, end, mask), before,
                strict=True)}


# ------------------------------------------------------------------ batches

@probe(public=True, judge=_span_judge)
def batched(m):
    "best_spans on seeded (B, L) batches, each row with its own question length and padding; B = 1 too"
    g, rng, out = _gen(8), random.Random(8), {}
    for k, (b, length) in enumerate(((6, 24), (1, 10), (5, 4))):
        start, end = torch.randn(b, length, generator=g), torch.randn(b, length, generator=g)
        rows = []
        for _ in range(b):
            q = rng.randint(0, length - 4)
            rows.append(_qa_mask(length, q, rng.randint(0, length - 4 - q)))
        out[f"batch {k}: B {b}, L {length}"] = m.best_spans(start, end, rng.randint(1, 6),
                                                             torch.stack(rows))
    return out


@probe(judge=_span_judge)
def batch_of_512(m):
    "best_spans on (16, 512) logits, questions of 5-40 tokens, max_answer_len 30"
    g, rng = _gen(9), random.Random(9)
    start, end = torch.randn(16, 512, generator=g) * 2, torch.randn(16, 512, generator=g) * 2
    mask = torch.stack([_qa_mask(512, rng.randint(5, 40), rng.randint(0, 100))
                        for _ in range(16)])
    return {"(16, 512)": m.best_spans(start, end, 30, mask)}


def _fast_judge(got, ref):
    why = _span_judge(got["spans"], ref["spans"])
    if why:
        return why
    if not isinstance(got["seconds"], float):
        return "could not time the call"
    if got["seconds"] > 0.5:
        return (f"best_spans on (4, 512) logits with max_answer_len 512 took "
                f"{got['seconds']:.2f} s, over 0.5 s: build the (L, L) score matrix and mask it "
                "instead of looping over the pairs in Python")
    return None


@probe(judge=_fast_judge)
def fast_for_512_tokens(m):
    "best_spans on (4, 512) logits with max_answer_len 512 finishes in under 0.5 s"
    g = _gen(10)
    start, end = torch.randn(4, 512, generator=g), torch.randn(4, 512, generator=g)
    mask = torch.stack([_qa_mask(512, q, 7) for q in (3, 10, 30, 60)])
    m.best_spans(start[:, :16], end[:, :16], 4, mask[:, :16] | True)  # warm up
    t0 = time.perf_counter()
    spans = m.best_spans(start, end, 512, mask)
    return {"spans": {"(4, 512)": spans}, "seconds": time.perf_counter() - t0}
