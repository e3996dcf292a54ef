"""Scaled dot-product attention written by hand, equal to F.scaled_dot_product_attention.

Every query scores every key with a dot product, scaled by 1/sqrt(E) so the scores do not grow
with the head size; a mask removes keys (bool) or shifts their scores (float); a softmax over the
keys turns the scores into weights, and the output is the weighted sum of the values. A row that
has no key left outputs zeros, as torch does, instead of the NaN a plain softmax gives.
"""

import math

import torch


def sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
         attn_mask: torch.Tensor | None = None, is_causal: bool = False,
         scale: float | None = None) -> torch.Tensor:
    """softmax(q @ k^T * scale + mask) @ v for q (..., L, E), k (..., S, E), v (..., S, Ev)."""
    L, S = q.size(-2), k.size(-2)
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    # similarity of every query with every key
    scores = q @ k.transpose(-2, -1) * scale  # (..., L, S)
    if is_causal:
        # top-left aligned: query i sees keys 0..i, whatever L and S are
        keep = torch.ones(L, S, dtype=torch.bool, device=q.device).tril()  # (L, S)
        scores = scores.masked_fill(~keep, float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))  # True = takes part
        else:
            scores = scores + attn_mask  # float: added to the scores
    # rows where every key is masked: softmax would give 0/0 = NaN; torch returns zeros.
    # Softmax a harmless row there and zero it afterwards, so no NaN reaches the gradients.
    dead = torch.isneginf(scores).all(dim=-1, keepdim=True)  # (..., L, 1)
    weights = torch.softmax(scores.masked_fill(dead, 0.0), dim=-1)  # (..., L, S), max-shifted
    weights = weights.masked_fill(dead, 0.0)
    return weights @ v  # (..., L, Ev)
