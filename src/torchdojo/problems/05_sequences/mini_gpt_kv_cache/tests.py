"""Probes for mini_gpt_kv_cache. The layout is fixed, so the value probes load a state_dict
made here (tok_embed.weight and lm_head.weight get the same tensor: they are one Parameter) and
compare logits, the cache, gradients and an SGD step with the reference's. Causality and the
cache are checked by behaviour: later tokens change no earlier logits, and logits computed one
token (or one chunk) at a time with the cache equal a full recomputation. generate is
deterministic under a generator (one multinomial draw per step), so its tokens are compared
exactly; the judges also check top-k membership and greedy decoding against the learner's own
full-recomputation logits, and that every call after the prompt feeds one token and the cache."""

import math

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-4, "atol": 1e-5}
CACHE_TOL = {"rtol": 1e-5, "atol": 1e-5}


def _spec(vocab: int, d: int, layers: int, max_len: int) -> dict[str, tuple[int, ...]]:
    spec = {"tok_embed.weight": (vocab, d), "pos_embed.weight": (max_len, d)}
    for i in range(layers):
        p = f"blocks.{i}"
        spec |= {f"{p}.ln1.weight": (d,), f"{p}.ln1.bias": (d,),
                 f"{p}.attn.qkv.weight": (3 * d, d), f"{p}.attn.qkv.bias": (3 * d,),
                 f"{p}.attn.proj.weight": (d, d), f"{p}.attn.proj.bias": (d,),
                 f"{p}.ln2.weight": (d,), f"{p}.ln2.bias": (d,),
                 f"{p}.fc.weight": (4 * d, d), f"{p}.fc.bias": (4 * d,),
                 f"{p}.proj.weight": (d, 4 * d), f"{p}.proj.bias": (d,)}
    return spec | {"ln_f.weight": (d,), "ln_f.bias": (d,)}


def _weights(spec: dict[str, tuple[int, ...]], seed: int) -> dict:
    """Embeddings N(0, 0.5^2), weights N(0, 1/fan_in), LayerNorm near (1, 0), small biases; the
    LM head gets the token embedding's tensor (the model ties them)."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in spec.items():
        z = torch.randn(shape, generator=g)
        if "embed" in key:
            sd[key] = 0.5 * z
        elif key.startswith("ln") or ".ln" in key:
            sd[key] = 1 + 0.1 * z if key.endswith("weight") else 0.1 * z
        elif len(shape) == 1:
            sd[key] = 0.1 * z
        else:
            sd[key] = z / math.sqrt(shape[1])
    sd["lm_head.weight"] = sd["tok_embed.weight"]
    return sd


# MiniGPT(vocab_size, d_model, nhead, num_layers, max_len)
ARGS = (20, 16, 2, 2, 24)


def _loaded(m, seed: int, args=ARGS) -> nn.Module:
    model = m.MiniGPT(*args)
    vocab, d, _, layers, max_len = args
    model.load_state_dict(_weights(_spec(vocab, d, layers, max_len), seed), strict=True)
    return model


def _idx(seed: int, b: int, t: int, vocab: int = 20) -> torch.Tensor:
    return torch.randint(0, vocab, (b, t), generator=torch.Generator().manual_seed(seed))


def _forward_msg(x) -> str | None:
    if type(x) is not tuple or len(x) != 2 or not isinstance(x[0], torch.Tensor):
        return f"forward must return a tuple (logits, present_kv), got {type(x).__name__}"
    kv = x[1]
    if type(kv) is not list or not all(type(p) is tuple and len(p) == 2 for p in kv):
        return ("present_kv must be a list with one (k, v) tuple per block, got "
                f"{type(kv).__name__}")
    return None


def _checks(messages: dict[str, str], tol: dict = TOL):
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"expected a dict of observations, got {type(got).__name__}"
        for key, text in messages.items():
            msg = compare(got.get(key), ref[key], path=key, **tol)
            if msg:
                return f"{text}: {msg}"
        return None
    return judge


# --- structure and tying ---------------------------------------------------------------------

def _layout_judge(got, ref):
    want, have = dict(ref["state"]), dict(got["state"])
    missing, extra = sorted(set(want) - set(have)), sorted(set(have) - set(want))
    if missing or extra:
        return (f"the state_dict keys are not the statement's; missing {missing[:3]}, "
                f"unexpected {extra[:3]}")
    for k, shape in want.items():
        if tuple(have[k]) != tuple(shape):
            return f"{k} has shape {tuple(have[k])}, expected {tuple(shape)}"
    if got["tied"] is not True:
        return ("lm_head.weight is not tok_embed.weight: tie them by assigning the Parameter "
                "(self.lm_head.weight = self.tok_embed.weight), not by copying its values")
    if got["parameters"] != ref["parameters"] or got["count"] != ref["count"]:
        return (f"parameters() yields {got['count']} elements in {len(got['parameters'])} "
                f"tensors, expected {ref['count']} in {len(ref['parameters'])} (the tied matrix "
                "counts once)")
    if got["lm_head_bias"] is not None:
        return "lm_head has a bias; the statement's LM head is nn.Linear(d_model, vocab_size, bias=False)"
    return None


@probe(public=True, judge=_layout_judge)
def layout_and_tying(m):
    "MiniGPT(20, 16, 2, 2, 24): state_dict keys and shapes, lm_head.weight is tok_embed.weight, parameters() counts it once"
    model = m.MiniGPT(*ARGS)
    return {"state": sorted((k, tuple(v.shape)) for k, v in model.state_dict().items()),
            "parameters": sorted(n for n, _ in model.named_parameters()),
            "count": sum(p.numel() for p in model.parameters()),
            "tied": getattr(getattr(model, "lm_head", None), "weight", None)
            is getattr(getattr(model, "tok_embed", None), "weight", 0),
            "lm_head_bias": None if getattr(getattr(model, "lm_head", None), "bias", None) is None
            else "bias"}


def _loaded_judge(got, ref):
    msg = _forward_msg(got.get("out"))
    if msg:
        return msg
    return _checks({"out": "the (logits, present_kv)", "grads": "the parameters' gradients",
                    "after_step": "the parameters after one SGD step"})(got, ref)


@probe(public=True, judge=_loaded_judge)
def logits_loaded(m):
    "loaded weights, idx (2, 7): logits (B, T, V), the cache [(k, v)] of shape (B, nhead, T, head_dim), gradients (the tied matrix once), one SGD(lr=0.1) step"
    model = _loaded(m, seed=11)
    logits, present = model(_idx(12, 2, 7))
    g = torch.Generator().manual_seed(13)
    (logits * torch.randn(logits.shape, generator=g)).sum().backward()
    obs = {"out": (logits.detach(), [(k.detach(), v.detach()) for k, v in present]),
           "grads": {n: None if p.grad is None else p.grad.clone()
                     for n, p in model.named_parameters()}}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return obs | {"after_step": {n: p.detach().clone() for n, p in model.named_parameters()}}


def _causal_judge(got, ref):
    a, b = got.get("a"), got.get("b")
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and a.dim() == 3 and not torch.allclose(a[:, :4], b[:, :4], atol=1e-5, rtol=0):
        return ("changing the tokens at positions >= 4 changed the logits at positions 0-3: "
                "the self-attention must not see later positions")
    return _checks({"a": "the logits", "b": "the logits after changing later tokens"})(got, ref)


@probe(judge=_causal_judge)
def causal(m):
    "the logits at positions 0-3 do not change when the tokens at positions 4-7 change"
    model = _loaded(m, seed=14)
    a = _idx(15, 2, 8)
    b = a.clone()
    b[:, 4:] = _idx(16, 2, 4)
    with torch.no_grad():
        return {"a": model(a)[0], "b": model(b)[0]}


def _cache_judge(got, ref):
    full = got.get("full")
    for key, text in (("one_by_one", "one token at a time"), ("chunks", "in chunks of 3, 4, 1")):
        inc = got.get(key)
        if not isinstance(inc, torch.Tensor) or not isinstance(full, torch.Tensor):
            return f"could not read the logits computed {text}"
        msg = compare(inc, full, **CACHE_TOL)
        if msg:
            return (f"the logits computed {text} with the cache differ from a full "
                    f"recomputation: {msg}")
    return _checks({"full": "the logits", "one_by_one": "the cached logits",
                    "cache_shapes": "the final cache's shapes", "cache": "the final cache"},
                   CACHE_TOL)(got, ref)


@probe(judge=_cache_judge)
def cache_equals_full(m):
    "logits computed token by token (and in chunks of 3, 4, 1) with the cache equal the full forward pass at every step"
    model = _loaded(m, seed=17)
    idx = _idx(18, 3, 8)
    with torch.no_grad():
        full = model(idx)[0]
        past, steps = None, []
        for t in range(idx.size(1)):
            logits, past = model(idx[:, t:t + 1], past_kv=past)
            steps.append(logits)
        chunked, past2 = [], None
        for lo, hi in ((0, 3), (3, 7), (7, 8)):
            logits, past2 = model(idx[:, lo:hi], past_kv=past2)
            chunked.append(logits)
    return {"full": full, "one_by_one": torch.cat(steps, dim=1),
            "chunks": torch.cat(chunked, dim=1),
            "cache_shapes": [(tuple(k.shape), tuple(v.shape)) for k, v in past],
            "cache": [(k, v) for k, v in past]}


@probe(**TOL)
def batch_of_one(m):
    "batch 1 with one token, then one more with the cache: logits (1, 1, V) and cache shapes (1, nhead, t, head_dim)"
    model = _loaded(m, seed=19)
    with torch.no_grad():
        a, past = model(torch.tensor([[5]]))
        b, past = model(torch.tensor([[9]]), past_kv=past)
    return {"first": a, "second": b, "cache_shapes": [(tuple(k.shape), tuple(v.shape))
                                                      for k, v in past]}


# --- generation ------------------------------------------------------------------------------

def _sample_msg(got, ref) -> str | None:
    out = got.get("out")
    want = ref["out"]
    if not isinstance(out, torch.Tensor) or out.dtype != torch.int64:
        return f"generate must return a LongTensor, got {type(out).__name__}"
    if tuple(out.shape) != tuple(want.shape):
        return f"generate returned shape {tuple(out.shape)}, expected {tuple(want.shape)}"
    if not torch.equal(out[:, :ref["prompt_len"]], want[:, :ref["prompt_len"]]):
        return "the returned tensor must start with the prompt, unchanged"
    return None


def _topk_judge(k: int):
    def judge(got, ref):
        msg = _sample_msg(got, ref)
        if msg:
            return msg
        out, logits, t0 = got["out"], got.get("logits"), ref["prompt_len"]
        if isinstance(logits, torch.Tensor) and logits.shape[:2] == out.shape:
            top = logits[:, t0 - 1:-1].topk(k, dim=-1).indices  # (B, new, k)
            inside = (top == out[:, t0:, None]).any(-1)
            if not bool(inside.all()):
                b, j = (int(i) for i in (~inside).nonzero()[0])
                return (f"row {b}, new token {j} = {int(out[b, t0 + j])} is not among the top "
                        f"{k} tokens at that step")
        if not torch.equal(out, ref["out"]):
            return (f"the sampled tokens differ from the reference's under the same generator "
                    f"(one torch.multinomial(probs, 1, generator=generator) per step): expected "
                    f"{ref['out'][:, t0:].tolist()}, got {out[:, t0:].tolist()}")
        return None
    return judge


def _generate(m, seed: int, prompt: torch.Tensor, new: int, **kw) -> dict:
    model = _loaded(m, seed=seed)
    out = m.generate(model, prompt.clone(), new, generator=torch.Generator().manual_seed(99), **kw)
    with torch.no_grad():
        logits = model(out)[0] if isinstance(out, torch.Tensor) and out.dim() == 2 else None
    return {"out": out, "logits": logits, "prompt_len": prompt.size(1)}


@probe(public=True, judge=_topk_judge(3))
def generate_top_k(m):
    "generate with temperature 1.5 and top_k=3 under a seeded generator: every new token is among the top 3, and the tokens equal the reference's"
    return _generate(m, 21, _idx(22, 6, 2), 12, temperature=1.5, top_k=3)


@probe(judge=_topk_judge(1))
def generate_top_1_is_greedy(m):
    "generate with top_k=1 is greedy decoding: each new token is the argmax of the logits before it"
    return _generate(m, 23, _idx(24, 3, 3), 8, temperature=1.0, top_k=1)


def _temperature_judge(got, ref):
    for key in ref:
        msg = _sample_msg(got.get(key, {}), ref[key])
        if msg is None and not torch.equal(got[key]["out"], ref[key]["out"]):
            msg = ("the sampled tokens differ from the reference's under the same generator: "
                   f"expected {ref[key]['out'][:, 2:].tolist()}, got "
                   f"{got[key]['out'][:, 2:].tolist()}")
        if msg:
            return f"{key}: {msg}"
    return None


@probe(judge=_temperature_judge)
def generate_temperature(m):
    "generate without top-k at temperature 0.5 and 2.0 (the logits are divided by it): the tokens equal the reference's"
    prompt = _idx(26, 4, 2)
    return {f"temperature {t}": _generate(m, 25, prompt, 10, temperature=t)
            for t in (0.5, 2.0)}


def _cache_use_judge(got, ref):
    calls, new = got.get("calls"), ref["new"]
    if type(calls) is not list or not calls:
        return "generate did not call the model"
    t0, past0 = calls[0]
    if past0 or t0 != ref["prompt_len"]:
        return (f"the first call should feed the whole prompt ({ref['prompt_len']} tokens) "
                f"without a cache, got {t0} token(s)" + (" with a cache" if past0 else ""))
    rest = calls[1:]
    bad = [i for i, (t, past) in enumerate(rest, start=2) if t != 1 or not past]
    if bad:
        t, past = calls[bad[0] - 1]
        return (f"call {bad[0]} fed {t} token(s) {'with' if past else 'without'} a cache: after "
                "the prompt, each step should feed only the new token and past_kv")
    if not new - 1 <= len(rest) <= new:
        return f"generate made {len(calls)} model calls for {new} new tokens"
    return None


@probe(judge=_cache_use_judge)
def generate_uses_cache(m):
    "generate calls the model once on the prompt, then once per new token with one token and past_kv"
    model = _loaded(m, seed=27)
    calls = []

    def hook(module, args, kwargs):
        idx = args[0] if args else kwargs.get("idx")
        past = args[1] if len(args) > 1 else kwargs.get("past_kv")
        calls.append((int(idx.shape[1]), past is not None))

    handle = model.register_forward_pre_hook(hook, with_kwargs=True)
    try:
        m.generate(model, _idx(28, 2, 3), 6, temperature=1.0, top_k=5,
                   generator=torch.Generator().manual_seed(5))
    finally:
        handle.remove()
    return {"calls": calls, "new": 6, "prompt_len": 3}
