"""Decode the best (start, end) answer span from start and end logits."""

import torch


def best_spans(start_logits: torch.Tensor, end_logits: torch.Tensor, max_answer_len: int,
               context_mask: torch.Tensor) -> list[tuple[int, int]]:
    """(B, L) logits and context mask -> one (start, end) tuple of Python ints per row."""
    # TODO: scores[b, s, e] = start[b, s] + end[b, e]; -inf outside 0 <= e - s < max_answer_len
    # and outside the context; one argmax per flattened (L, L) matrix
    raise NotImplementedError


def best_span(start_logits: torch.Tensor, end_logits: torch.Tensor, max_answer_len: int,
              context_mask: torch.Tensor) -> tuple[int, int]:
    """(L,) logits and context mask -> (start, end), Python ints."""
    # TODO: call best_spans on a batch of one
    raise NotImplementedError
