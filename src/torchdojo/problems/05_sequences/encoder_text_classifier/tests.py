"""Probes for encoder_text_classifier: the fixed state_dict keys and shapes; with weights made by
the probe and loaded strictly, the reference's logits (eval and train mode, dropout 0, equal),
gradients and SGD step, for the default pad_idx and a non-zero one; appending pads changes no
logit; a sample's logits do not depend on the rest of the batch (batch 1, length 1); dropout off
in eval mode; and a short seeded training run on an order-dependent toy task (does token A come
before token B?) that a model without positions cannot learn."""

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _spec(v: int, d: int, layers: int, c: int, max_len: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    spec = {"embedding.weight": (v, d), "pos_embedding.weight": (max_len, d)}
    for i in range(layers):
        p = f"encoder.layers.{i}."
        spec |= {p + "self_attn.in_proj_weight": (3 * d, d), p + "self_attn.in_proj_bias": (3 * d,),
                 p + "self_attn.out_proj.weight": (d, d), p + "self_attn.out_proj.bias": (d,),
                 p + "linear1.weight": (2 * d, d), p + "linear1.bias": (2 * d,),
                 p + "linear2.weight": (d, 2 * d), p + "linear2.bias": (d,),
                 p + "norm1.weight": (d,), p + "norm1.bias": (d,),
                 p + "norm2.weight": (d,), p + "norm2.bias": (d,)}
    return spec | {"fc.weight": (c, d), "fc.bias": (c,)}


def _weights(spec: dict[str, tuple[int, ...]], seed: int) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for k, shape in spec.items():
        z = torch.randn(shape, generator=g)
        if "norm" in k and k.endswith("weight"):
            sd[k] = 1 + 0.3 * z
        elif "embedding" in k:
            sd[k] = z
        elif len(shape) == 2:
            sd[k] = z / shape[1] ** 0.5
        else:
            sd[k] = 0.3 * z
    return sd


def _model(m, v, d, h, layers, c, max_len, pad_idx=0, dropout=0.0, seed=1) -> nn.Module:
    torch.manual_seed(0)
    model = m.TextClassifier(v, d, h, layers, c, max_len, pad_idx, dropout)
    model.load_state_dict(_weights(_spec(v, d, layers, c, max_len), seed), strict=True)
    return model


def _tokens(lengths: list[int], t: int, v: int, pad_idx: int, seed: int) -> torch.Tensor:
    """Right-padded (B, t) ids: real tokens drawn from every id except pad_idx."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, v - 1, (len(lengths), t), generator=g)
    ids = ids + (ids >= pad_idx).long()  # skip pad_idx
    ids[torch.arange(t)[None, :] >= torch.tensor(lengths)[:, None]] = pad_idx
    return ids


# --- structure ---------------------------------------------------------------------------------

def _structure_judge(got, ref):
    missing = [k for k in ref["shapes"] if k not in got["shapes"]]
    extra = [k for k in got["shapes"] if k not in ref["shapes"]]
    if missing or extra:
        return f"state_dict keys differ: missing {missing[:4]}, unexpected {extra[:4]}"
    for k, shape in ref["shapes"].items():
        if got["shapes"][k] != shape:
            return f"{k} has shape {tuple(got['shapes'][k])}, expected {tuple(shape)}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "TextClassifier(20, 16, 2, 2, 3, 12): state_dict keys and shapes"
    torch.manual_seed(0)
    model = m.TextClassifier(20, 16, 2, 2, 3, 12)
    return {"shapes": {k: list(v.shape) for k, v in model.state_dict().items()}}


# --- loaded weights ----------------------------------------------------------------------------

def _logits_judge(got, ref):
    if got.get("unchanged") is not True:
        return "forward modified the token tensor in place"
    for key, want in ref.items():
        if key == "unchanged":
            continue
        why = compare(got.get(key), want, **TOL)
        if why:
            return f"{key}: {why}"
    return None


@probe(public=True, judge=_logits_judge)
def loaded_logits(m):
    "TextClassifier(20, 16, 2, 2, 3, 12), loaded weights: logits for right-padded tokens (lengths 7, 12, 3, 5), eval and train mode"
    model = _model(m, 20, 16, 2, 2, 3, 12, seed=1)
    tokens = _tokens([7, 12, 3, 5], 12, 20, 0, seed=101)
    before = tokens.clone()
    obs = {}
    with torch.no_grad():
        obs["eval mode logits"] = model.eval()(tokens)
        obs["train mode logits (dropout=0)"] = model.train()(tokens)
    obs["unchanged"] = bool(torch.equal(tokens, before))
    return obs


@probe(judge=_logits_judge)
def other_pad_idx(m):
    "pad_idx=3, nhead=4, 1 layer, 4 classes, loaded weights: id 0 is an ordinary token, id 3 the padding"
    model = _model(m, 15, 16, 4, 1, 4, 9, pad_idx=3, seed=2).eval()
    tokens = _tokens([9, 4, 6], 9, 15, 3, seed=102)
    tokens[:, 0] = 0  # the id 0 is real here
    before = tokens.clone()
    with torch.no_grad():
        out = model(tokens)
    return {"logits with pad_idx=3": out, "unchanged": bool(torch.equal(tokens, before))}


def _padding_judge(got, ref):
    for pad_idx in (0, 5):
        short, longer = got.get(f"pad {pad_idx}, T=8"), got.get(f"pad {pad_idx}, T=12")
        why = compare(short, ref[f"pad {pad_idx}, T=8"], **TOL)
        if why:
            return f"pad_idx={pad_idx}, the tokens as given: {why}"
        why = compare(longer, short, **TOL)
        if why:
            return (f"pad_idx={pad_idx}: appending 4 pad tokens changed the logits: {why}; pads "
                    "must be ignored by attention and by the pooling")
    return None


@probe(judge=_padding_judge)
def padding_invariance(m):
    "appending pad tokens on the right (T 8 -> 12) leaves every logit unchanged, pad_idx 0 and 5"
    obs = {}
    for pad_idx in (0, 5):
        model = _model(m, 20, 16, 2, 2, 3, 12, pad_idx=pad_idx, seed=3).eval()
        tokens = _tokens([5, 8, 2], 8, 20, pad_idx, seed=103)
        longer = torch.cat([tokens, torch.full((3, 4), pad_idx, dtype=torch.long)], 1)
        with torch.no_grad():
            obs[f"pad {pad_idx}, T=8"] = model(tokens)
            obs[f"pad {pad_idx}, T=12"] = model(longer)
    return obs


def _batch_judge(got, ref):
    for key, want in ref.items():
        why = compare(got.get(key), want, **TOL)
        if why:
            return f"{key}: {why}"
    for i in range(3):
        why = compare(got.get(f"alone {i}"), got["batch"][i:i + 1], **TOL)
        if why:
            return (f"sample {i} alone (batch of one) gets different logits than inside the "
                    f"batch: {why}; samples must not interact")
    return None


@probe(judge=_batch_judge)
def batch_of_one(m):
    "each sample alone (batch 1, its own length) gets the logits it gets inside a batch; a length-1 sequence"
    model = _model(m, 20, 16, 2, 2, 3, 12, seed=4).eval()
    tokens = _tokens([6, 1, 9], 9, 20, 0, seed=104)
    obs = {}
    with torch.no_grad():
        obs["batch"] = model(tokens)
        for i, n in enumerate([6, 1, 9]):
            obs[f"alone {i}"] = model(tokens[i:i + 1, :n])
    return obs


def _grads_judge(got, ref):
    for part in ("logits", "grads", "after_step"):
        why = compare(got.get(part), ref[part], path=part, **TOL)
        if why:
            return f"train mode, loaded weights, dropout=0: {part}: {why}"
    return None


@probe(judge=_grads_judge)
def gradients(m):
    "train mode, loaded weights: cross-entropy gradients of every parameter and one SGD(lr=0.1) step"
    model = _model(m, 20, 16, 2, 2, 3, 12, seed=5).train()
    tokens = _tokens([4, 12, 7, 9], 12, 20, 0, seed=105)
    y = torch.tensor([0, 2, 1, 2])
    out = model(tokens)
    nn.functional.cross_entropy(out, y).backward()
    obs = {"logits": out.detach(), "grads": {n: p.grad for n, p in model.named_parameters()}}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


def _dropout_judge(got, ref):
    if got.get("same") is not True:
        return "with dropout=0.3, two eval-mode calls gave different logits"
    why = compare(got.get("eval"), ref["eval"], **TOL)
    return f"dropout=0.3, eval mode: {why}" if why else None


@probe(judge=_dropout_judge)
def eval_with_dropout(m):
    "dropout=0.3: eval mode is deterministic and equals the reference"
    model = _model(m, 20, 16, 2, 2, 3, 12, dropout=0.3, seed=6).eval()
    tokens = _tokens([3, 10, 6], 10, 20, 0, seed=106)
    with torch.no_grad():
        a, b = model(tokens), model(tokens)
    return {"eval": a, "same": bool(torch.equal(a, b))}


# --- learning ----------------------------------------------------------------------------------

def _order_corpus(n: int, g: torch.Generator, vocab: int = 12, t: int = 10):
    """Sequences of 4..10 tokens (pad 0) holding token 1 and token 2 once each among fillers
    3..vocab-1; label 1 when token 1 comes first. A bag of words cannot tell the classes apart."""
    lengths = torch.randint(4, t + 1, (n,), generator=g)
    tokens = torch.randint(3, vocab, (n, t), generator=g)
    pad = torch.arange(t)[None, :] >= lengths[:, None]
    r = torch.rand(n, t, generator=g).masked_fill(pad, 2.0)
    where = r.argsort(1)[:, :2]  # two distinct real positions
    rows = torch.arange(n)
    tokens[rows, where[:, 0]] = 1
    tokens[rows, where[:, 1]] = 2
    tokens[pad] = 0
    return tokens, (where[:, 0] < where[:, 1]).long()


def _train_judge(got, ref):
    acc = got.get("accuracy")
    if not isinstance(acc, float):
        return f"could not measure the accuracy (got {type(acc).__name__})"
    if not got.get("finite"):
        return "the training loss became NaN or infinite"
    if acc < 0.85:
        return (f"after 100 Adam steps the held-out accuracy is {acc:.1%}, below 85% (the "
                f"reference reaches {ref['accuracy']:.1%}); the task depends on word order")
    return None


@probe(judge=_train_judge)
def learns_word_order(m):
    "TextClassifier(12, 16, 2, 1, 2, 10), 100 Adam steps: does token 1 come before token 2? held-out accuracy >= 85%"
    g = torch.Generator().manual_seed(7)
    x, y = _order_corpus(2000, g)
    x_test, y_test = _order_corpus(500, g)
    torch.manual_seed(0)
    model = m.TextClassifier(12, 16, 2, 1, 2, 10)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss = torch.tensor(float("nan"))
    for _ in range(100):
        i = torch.randint(0, len(x), (64,), generator=g)
        loss = nn.functional.cross_entropy(model(x[i]), y[i])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(x_test).argmax(1) == y_test).float().mean().item()
    return {"accuracy": float(acc), "finite": bool(torch.isfinite(loss).item())}
