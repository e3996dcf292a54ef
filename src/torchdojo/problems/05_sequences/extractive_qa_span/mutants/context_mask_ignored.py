"""Ignores context_mask: spans may start or end in the question, on [CLS], [SEP] or padding."""

import torch


def best_spans(start_logits: torch.Tensor, end_logits: torch.Tensor, max_answer_len: int,
               context_mask: torch.Tensor) -> list[tuple[int, int]]:
    """(B, L) logits and context mask -> one (start, end) pair of Python ints per row."""
    if max_answer_len < 1:
        raise ValueError("max_answer_len must be at least 1")
    if not bool(context_mask.any(dim=1).all()):
        raise ValueError("every row needs at least one context token")
    batch, length = start_logits.shape
    scores = start_logits[:, :, None] + end_logits[:, None, :]  # (B, L, L): [b, s, e]
    pos = torch.arange(length, device=start_logits.device)
    offset = pos[None, :] - pos[:, None]  # (L, L): e - s
    band = (offset >= 0) & (offset < max_answer_len)  # s <= e, at most max_answer_len tokens
    valid = band[None].expand(batch, -1, -1)  # (B, L, L)
    scores = scores.masked_fill(~valid, float("-inf"))  # a new tensor: the inputs stay as they are
    flat = scores.reshape(batch, -1).argmax(dim=1)  # (B,): first maximum in (s, e) order
    starts, ends = (flat // length).tolist(), (flat % length).tolist()
    return list(zip(starts, ends, strict=True))


def best_span(start_logits: torch.Tensor, end_logits: torch.Tensor, max_answer_len: int,
              context_mask: torch.Tensor) -> tuple[int, int]:
    """(L,) logits and context mask -> (start, end), Python ints."""
    return best_spans(start_logits[None], end_logits[None], max_answer_len, context_mask[None])[0]
