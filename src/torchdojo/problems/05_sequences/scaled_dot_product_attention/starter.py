"""Scaled dot-product attention written by hand, equal to F.scaled_dot_product_attention."""

import math  # noqa: F401 - for math.sqrt

import torch


def sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
         attn_mask: torch.Tensor | None = None, is_causal: bool = False,
         scale: float | None = None) -> torch.Tensor:
    """softmax(q @ k^T * scale + mask) @ v for q (..., L, E), k (..., S, E), v (..., S, Ev)."""
    # TODO: the scale: 1 / sqrt(E) unless `scale` is given
    # TODO: scores (..., L, S) = q @ k^T * scale
    # TODO: is_causal: query i sees keys 0..i (top-left aligned, also when L != S)
    # TODO: attn_mask: bool -> False removes the key (-inf); float -> added to the scores
    # TODO: softmax over the keys; a row with every key masked gives zeros, not NaN
    # TODO: return weights @ v, shape (..., L, Ev)
    raise NotImplementedError("sdpa")
