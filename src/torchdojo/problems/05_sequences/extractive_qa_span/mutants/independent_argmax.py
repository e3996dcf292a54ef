"""Takes the argmax of the start logits and of the end logits separately (each masked to the
context): the end can come before the start and the span can exceed max_answer_len."""

import torch


def best_spans(start_logits: torch.Tensor, end_logits: torch.Tensor, max_answer_len: int,
               context_mask: torch.Tensor) -> list[tuple[int, int]]:
    """(B, L) logits and context mask -> one (start, end) pair of Python ints per row."""
    if max_answer_len < 1:
        raise ValueError("max_answer_len must be at least 1")
    if not bool(context_mask.any(dim=1).all()):
        raise ValueError("every row needs at least one context token")
    neg = torch.tensor(float("-inf"))
    starts = torch.where(context_mask, start_logits, neg).argmax(dim=1).tolist()
    ends = torch.where(context_mask, end_logits, neg).argmax(dim=1).tolist()
    return list(zip(starts, ends, strict=True))


def best_span(start_logits: torch.Tensor, end_logits: torch.Tensor, max_answer_len: int,
              context_mask: torch.Tensor) -> tuple[int, int]:
    """(L,) logits and context mask -> (start, end), Python ints."""
    return best_spans(start_logits[None], end_logits[None], max_answer_len, context_mask[None])[0]
