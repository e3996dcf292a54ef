"""Correct spans from a Python double loop over (start, end) with tensor indexing: far too slow
for L = 512 (131 072 pairs per row)."""

import torch


def best_spans(start_logits: torch.Tensor, end_logits: torch.Tensor, max_answer_len: int,
               context_mask: torch.Tensor) -> list[tuple[int, int]]:
    if max_answer_len < 1:
        raise ValueError("max_answer_len must be at least 1")
    if not bool(context_mask.any(dim=1).all()):
        raise ValueError("every row needs at least one context token")
    spans = []
    length = start_logits.shape[1]
    for b in range(start_logits.shape[0]):
        best, span = None, None
        for s in range(length):
            if not context_mask[b, s]:
                continue
            for e in range(s, min(length, s + max_answer_len)):
                if not context_mask[b, e]:
                    continue
                score = start_logits[b, s] + end_logits[b, e]
                if best is None or score > best:
                    best, span = score, (s, e)
        spans.append(span)
    return spans


def best_span(start_logits: torch.Tensor, end_logits: torch.Tensor, max_answer_len: int,
              context_mask: torch.Tensor) -> tuple[int, int]:
    return best_spans(start_logits[None], end_logits[None], max_answer_len, context_mask[None])[0]
