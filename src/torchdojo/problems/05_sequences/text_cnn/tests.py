"""Probes for text_cnn. The structure is fixed by the statement, so the probes build the
learner's TextCNN, load a state_dict made here from a seeded generator (strict=True; the
embedding's pad_idx row is zero, as an nn.Embedding with padding_idx has it) and compare logits,
gradients and one SGD step with the reference's: several kernel-size tuples (order matters), a
non-contiguous batch, batch 1, sentences shorter than the widest kernel, a non-default pad_idx;
plus the parameter count and eval-mode determinism with dropout."""

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _spec(v: int, e: int, f: int, ks: tuple[int, ...], c: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    spec = {"embed.weight": (v, e)}
    for i, k in enumerate(ks):
        spec |= {f"convs.{i}.weight": (f, e, k), f"convs.{i}.bias": (f,)}
    return spec | {"fc.weight": (c, len(ks) * f), "fc.bias": (c,)}


def _loaded(m, v: int, e: int, f: int, ks: tuple[int, ...], c: int, seed: int,
            pad_idx: int = 0, **kwargs):
    """The learner's TextCNN with seeded weights loaded strictly; the pad row is zero."""
    g = _gen(seed)
    sd = {}
    for key, shape in _spec(v, e, f, ks, c).items():
        fan_in = shape[1] * shape[2] if len(shape) == 3 else (shape[1] if key == "fc.weight"
                                                             else 1)
        sd[key] = torch.randn(shape, generator=g) * (1.0 if key == "embed.weight"
                                                     else fan_in ** -0.5)
    sd["embed.weight"][pad_idx] = 0.0
    model = m.TextCNN(v, e, f, ks, c, pad_idx=pad_idx, **kwargs)
    model.load_state_dict(sd, strict=True)
    return model


def _tokens(b: int, t: int, v: int, seed: int, pad_idx: int = 0) -> torch.Tensor:
    """Seeded token ids in [0, v), never pad_idx."""
    x = torch.randint(0, v - 1, (b, t), generator=_gen(seed))
    return x + (x >= pad_idx).long()  # skip pad_idx


def _structure(model) -> dict:
    return {"shapes": {k: list(v.shape) for k, v in model.state_dict().items()},
            "n_params": sum(p.numel() for p in model.parameters()),
            "buffers": [n for n, _ in model.named_buffers()],
            "padding_idx": model.embed.padding_idx}


def _structure_judge(got, ref):
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    for name in ref:
        g, r = got.get(name), ref[name]
        if not isinstance(g, dict):
            return f"{name}: could not read the structure"
        missing = [k for k in r["shapes"] if k not in g["shapes"]]
        extra = [k for k in g["shapes"] if k not in r["shapes"]]
        if missing or extra:
            return (f"{name}: state_dict keys differ: missing {missing}, unexpected {extra} "
                    "(are the convolutions in an nn.ModuleList?)")
        for key, shape in r["shapes"].items():
            if g["shapes"][key] != shape:
                return f"{name}: {key} has shape {tuple(g['shapes'][key])}, expected {tuple(shape)}"
        for key, what in (("buffers", "buffers"),
                          ("n_params", "number of parameters"),
                          ("padding_idx", "embed.padding_idx")):
            if compare(g.get(key), r[key]):
                return f"{name}: {what}: expected {r[key]}, got {g.get(key)}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "TextCNN(30, 6, 4, (2, 3, 4), 3) and TextCNN(25, 5, 7, (1,), 2, pad_idx=3): keys, shapes, count"
    return {"kernels_234": _structure(m.TextCNN(30, 6, 4, (2, 3, 4), 3)),
            "kernel_1": _structure(m.TextCNN(25, 5, 7, (1,), 2, pad_idx=3))}


def _values_judge(got, ref):
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    for name, want in ref.items():
        msg = compare(got.get(name), want, **TOL)
        if msg:
            return f"{name}: {msg}"
    return None


@probe(public=True, judge=_values_judge)
def loaded_logits(m):
    "loaded weights, kernel sizes (2, 3, 4): logits for a seeded (4, 9) batch of token ids"
    model = _loaded(m, 30, 6, 4, (2, 3, 4), 3, seed=1)
    return {"logits": model(_tokens(4, 9, 30, seed=101))}


@probe(judge=_values_judge)
def other_kernel_sizes(m):
    "loaded weights: kernel sizes (4, 2, 3) (concatenated in that order) and (1,)"
    unsorted = _loaded(m, 30, 6, 4, (4, 2, 3), 3, seed=2)
    single = _loaded(m, 20, 5, 6, (1,), 4, seed=3)
    return {"kernels (4, 2, 3)": unsorted(_tokens(3, 8, 30, seed=102)),
            "kernels (1,)": single(_tokens(5, 7, 20, seed=103))}


@probe(judge=_values_judge)
def non_contiguous_tokens(m):
    "loaded weights: a (5, 10) batch that is the transposed view of a (10, 5) tensor"
    model = _loaded(m, 30, 6, 4, (2, 3, 4), 3, seed=4)
    tokens = _tokens(10, 5, 30, seed=104).T  # (5, 10), not contiguous
    return {"logits": model(tokens)}


@probe(judge=_values_judge)
def short_sentences(m):
    "batch 1, length 1; length 2 and 3 (< widest kernel 4); length 4 exactly; pad_idx=2"
    model = _loaded(m, 30, 6, 4, (2, 3, 4), 3, seed=5)
    model_pad2 = _loaded(m, 30, 6, 4, (2, 3, 4), 3, seed=6, pad_idx=2)
    return {"batch 1, length 1": model(_tokens(1, 1, 30, seed=105)),
            "length 2": model(_tokens(3, 2, 30, seed=106)),
            "length 3": model(_tokens(2, 3, 30, seed=107)),
            "length 4 (= widest kernel)": model(_tokens(2, 4, 30, seed=108)),
            "pad_idx=2, length 2": model_pad2(_tokens(3, 2, 30, seed=109, pad_idx=2)),
            "batch 1, length 6": model(_tokens(1, 6, 30, seed=110))}


def _grads_judge(got, ref):
    if not isinstance(got, dict) or not isinstance(got.get("grads"), dict):
        return f"could not read the observation (got {type(got).__name__})"
    for name, want in ref["grads"].items():
        if got["grads"].get(name) is None:
            return f"{name} gets no gradient (is it a registered parameter?)"
        msg = compare(got["grads"][name], want, **TOL)
        if msg:
            return f"gradient of {name}: {msg}"
    msg = compare(got.get("params"), ref["params"], **TOL)
    return f"parameters after one SGD(lr=0.1) step: {msg}" if msg else None


@probe(judge=_grads_judge)
def gradients_and_sgd_step(m):
    "loaded weights, cross-entropy on a seeded batch: every parameter's gradient, one SGD step"
    model = _loaded(m, 30, 6, 4, (2, 3, 4), 3, seed=7)
    tokens = _tokens(6, 7, 30, seed=111)
    labels = torch.randint(0, 3, (6,), generator=_gen(112))
    torch.nn.functional.cross_entropy(model(tokens), labels).backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {"grads": grads, "params": {n: p.detach().clone() for n, p in model.named_parameters()}}


def _dropout_judge(got, ref):
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    msg = compare(got.get("eval_first"), ref["eval_first"], **TOL)
    if msg:
        return f"eval mode with dropout=0.5 must equal the model without dropout: {msg}"
    if compare(got.get("eval_second"), got["eval_first"], rtol=0.0, atol=0.0):
        return "eval mode is not deterministic: two calls on the same input differ"
    if not got.get("train_differs"):
        return "in train mode dropout=0.5 should change the output, but it did not"
    if compare(got.get("no_dropout_train"), ref["no_dropout_train"], **TOL):
        return "with dropout=0.0, train mode must give the same output as eval mode"
    return None


@probe(judge=_dropout_judge)
def dropout_train_vs_eval(m):
    "dropout=0.5: eval mode deterministic and without dropout; train mode changes the output"
    model = _loaded(m, 30, 6, 8, (2, 3), 3, seed=8, dropout=0.5)
    tokens = _tokens(4, 6, 30, seed=113)
    model.eval()
    with torch.no_grad():
        first, second = model(tokens), model(tokens)
        model.train()
        torch.manual_seed(1)
        train = model(tokens)
    plain = _loaded(m, 30, 6, 8, (2, 3), 3, seed=8)  # dropout=0.0, train mode
    return {"eval_first": first, "eval_second": second,
            "train_differs": not torch.allclose(train, first),
            "no_dropout_train": plain(tokens).detach()}
