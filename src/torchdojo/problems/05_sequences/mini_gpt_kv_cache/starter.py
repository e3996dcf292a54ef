"""A minimal GPT with a key/value cache, and sampling with temperature and top-k."""

import math  # noqa: F401

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn

KV = tuple[Tensor, Tensor]


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model: int, nhead: int) -> None:
        super().__init__()
        # TODO: self.qkv = nn.Linear(d_model, 3 * d_model), self.proj = nn.Linear(d_model, d_model)
        raise NotImplementedError

    def forward(self, x: Tensor, past: KV | None = None) -> tuple[Tensor, KV]:
        # TODO: q, k, v in heads; append k, v to past along the time axis; causal mask with the
        #       cache offset; softmax; merge heads; proj. Return (out, (k, v)).
        raise NotImplementedError


class Block(nn.Module):
    def __init__(self, d_model: int, nhead: int) -> None:
        super().__init__()
        # TODO: ln1, attn, ln2, fc (d -> 4d), proj (4d -> d)
        raise NotImplementedError

    def forward(self, x: Tensor, past: KV | None = None) -> tuple[Tensor, KV]:
        # TODO: pre-norm residual attention, then pre-norm residual MLP (GELU)
        raise NotImplementedError


class MiniGPT(nn.Module):
    def __init__(self, vocab_size: int, d_model: int = 32, nhead: int = 4, num_layers: int = 2,
                 max_len: int = 64) -> None:
        super().__init__()
        # TODO: tok_embed, pos_embed, blocks, ln_f, lm_head (tied to tok_embed)
        raise NotImplementedError

    def forward(self, idx: Tensor, past_kv: list[KV] | None = None
                ) -> tuple[Tensor, list[KV]]:
        # TODO: positions continue after the cached tokens; returns (logits, present_kv)
        raise NotImplementedError


@torch.no_grad()
def generate(model: MiniGPT, idx: Tensor, max_new_tokens: int, temperature: float = 1.0,
             top_k: int | None = None, generator: torch.Generator | None = None) -> Tensor:
    """Sample max_new_tokens tokens after idx (B, T), feeding only the new token each step."""
    # TODO: the prompt once, then one token per step with the cache; temperature, top-k,
    #       one torch.multinomial(probs, 1, generator=generator) per step
    raise NotImplementedError
