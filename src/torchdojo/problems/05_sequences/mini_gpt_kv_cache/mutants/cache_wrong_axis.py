"""The new keys and values are appended to the cache along the head axis (dim=1) instead of the time axis (dim=2)."""

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

KV = tuple[Tensor, Tensor]


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model: int, nhead: int) -> None:
        super().__init__()
        self.nhead, self.head_dim = nhead, d_model // nhead
        self.qkv = nn.Linear(d_model, 3 * d_model)  # q, k, v in one matmul
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x: Tensor, past: KV | None = None) -> tuple[Tensor, KV]:
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)  # each (B, T, D)
        q, k, v = (z.view(b, t, self.nhead, self.head_dim).transpose(1, 2)
                   for z in (q, k, v))  # each (B, H, T, hd)
        if past is not None:
            k = torch.cat([past[0], k], dim=1)
            v = torch.cat([past[1], v], dim=1)
        t_past = k.size(2) - t
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)  # (B, H, T, T_past + T)
        # new token i sits at position t_past + i and may see keys 0 .. t_past + i
        allowed = torch.ones(t, k.size(2), dtype=torch.bool, device=x.device).tril(t_past)
        scores = scores.masked_fill(~allowed, float("-inf"))
        out = (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, d)  # (B, T, D)
        return self.proj(out), (k, v)


class Block(nn.Module):
    """Pre-norm: x + attn(ln1(x)), then x + mlp(ln2(x))."""

    def __init__(self, d_model: int, nhead: int) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, nhead)
        self.ln2 = nn.LayerNorm(d_model)
        self.fc = nn.Linear(d_model, 4 * d_model)
        self.proj = nn.Linear(4 * d_model, d_model)

    def forward(self, x: Tensor, past: KV | None = None) -> tuple[Tensor, KV]:
        a, present = self.attn(self.ln1(x), past)
        x = x + a
        x = x + self.proj(F.gelu(self.fc(self.ln2(x))))
        return x, present


class MiniGPT(nn.Module):
    """idx (B, T) [+ the cache of the tokens before them] -> logits (B, T, V) and the new cache."""

    def __init__(self, vocab_size: int, d_model: int = 32, nhead: int = 4, num_layers: int = 2,
                 max_len: int = 64) -> None:
        super().__init__()
        self.max_len = max_len
        self.tok_embed = nn.Embedding(vocab_size, d_model)
        self.pos_embed = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(Block(d_model, nhead) for _ in range(num_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = self.tok_embed.weight  # tying: one Parameter, used twice

    def forward(self, idx: Tensor, past_kv: list[KV] | None = None
                ) -> tuple[Tensor, list[KV]]:
        t_past = 0 if past_kv is None else past_kv[0][0].size(2)
        positions = torch.arange(t_past, t_past + idx.size(1), device=idx.device)  # continue
        x = self.tok_embed(idx) + self.pos_embed(positions)  # (B, T, D)
        present = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, None if past_kv is None else past_kv[i])
            present.append(kv)
        return self.lm_head(self.ln_f(x)), present  # (B, T, V)


@torch.no_grad()
def generate(model: MiniGPT, idx: Tensor, max_new_tokens: int, temperature: float = 1.0,
             top_k: int | None = None, generator: torch.Generator | None = None) -> Tensor:
    """Sample max_new_tokens tokens after idx (B, T), feeding only the new token each step."""
    logits, past = model(idx)  # the prompt, once
    out = idx
    for step in range(max_new_tokens):
        last = logits[:, -1, :] / temperature  # (B, V)
        if top_k is not None:
            kth = torch.topk(last, min(top_k, last.size(-1)), dim=-1).values[:, -1:]  # (B, 1)
            last = last.masked_fill(last < kth, float("-inf"))  # keep the k largest
        nxt = torch.multinomial(last.softmax(dim=-1), 1, generator=generator)  # (B, 1)
        out = torch.cat([out, nxt], dim=1)
        if step < max_new_tokens - 1:
            logits, past = model(nxt, past_kv=past)  # one new token, the cache for the rest
    return out
