"""Probes for multi_input_model. Weights are made here for the fixed layout (the embedding's pad
row deliberately not zero) and loaded strictly; the logits, gradients and one SGD step are
compared with the reference's for several image sizes (odd, non-square) and sequence lengths,
left- and right-padded tokens, appended pads, an all-pad row, a batch of one and a non-default
pad_idx; perturbing only the image, or only the text, must change the logits."""

import math

import torch
import torch.nn.functional as F

from torchdojo.probes import compare, probe

BASE = {"vocab_size": 50, "embed_dim": 8, "num_classes": 4, "img_channels": 3, "pad_idx": 0}
OTHER = {"vocab_size": 20, "embed_dim": 5, "num_classes": 3, "img_channels": 1, "pad_idx": 3}


def _spec(vocab_size, embed_dim, num_classes, img_channels, pad_idx) -> dict:
    return {"conv1.weight": (16, img_channels, 3, 3), "conv1.bias": (16,),
            "conv2.weight": (32, 16, 3, 3), "conv2.bias": (32,),
            "embed.weight": (vocab_size, embed_dim),
            "head.weight": (num_classes, 32 + embed_dim), "head.bias": (num_classes,)}


def _weights(cfg: dict, seed: int) -> dict:
    """Seeded weights; the pad row of the embedding is random too (not zero)."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in _spec(**cfg).items():
        if key == "embed.weight":
            scale = 1.0
        else:
            scale = 0.1 if len(shape) == 1 else 1 / math.sqrt(math.prod(shape[1:]))
        sd[key] = torch.randn(shape, generator=g) * scale
    return sd


def _gen(seed: int) -> torch.Generator:
    """Inputs come from their own generator: what the model's init draws does not change them."""
    return torch.Generator().manual_seed(1000 + seed)


def _build(m, cfg: dict, seed: int = 0):
    model = m.ImageTextClassifier(**cfg)
    model.load_state_dict(_weights(cfg, seed), strict=True)
    return model


def _tokens(cfg: dict, lengths: list[int], t: int, g: torch.Generator,
            left: bool = False) -> torch.Tensor:
    """(B, T) tokens: row i has lengths[i] real tokens (never pad_idx), the rest pad_idx."""
    pad, v = cfg["pad_idx"], cfg["vocab_size"]
    rows = []
    for n in lengths:
        real = torch.randint(0, v - 1, (n,), generator=g)
        real = real + (real >= pad).long()  # skip the pad id: every real token is != pad_idx
        fill = torch.full((t - n,), pad, dtype=torch.long)
        rows.append(torch.cat([fill, real] if left else [real, fill]))
    return torch.stack(rows)


def _layout_judge(got, ref):
    for name in ref:
        g, r = got[name], ref[name]
        missing, extra = sorted(set(r["keys"]) - set(g["keys"])), sorted(set(g["keys"]) - set(r["keys"]))
        if missing or extra:
            return (f"ImageTextClassifier({name}): state_dict keys missing {missing[:4]}, "
                    f"unexpected {extra[:4]}; expected exactly {sorted(r['keys'])}")
        for key, shape in r["keys"].items():
            if g["keys"][key] != shape:
                return (f"ImageTextClassifier({name}): {key} has shape {tuple(g['keys'][key])}, "
                        f"expected {tuple(shape)}")
        if g["padding_idx"] != r["padding_idx"]:
            return (f"ImageTextClassifier({name}): embed.padding_idx is {g['padding_idx']}, "
                    f"expected {r['padding_idx']} (nn.Embedding(..., padding_idx=pad_idx))")
    return None


@probe(public=True, judge=_layout_judge)
def state_dict_layout(m):
    "state_dict keys and shapes, and embed.padding_idx, for two configurations"
    out = {}
    for cfg in (BASE, OTHER):
        model = m.ImageTextClassifier(**cfg)
        embed = getattr(model, "embed", None)
        out[", ".join(f"{k}={v}" for k, v in cfg.items())] = {
            "keys": {k: list(v.shape) for k, v in model.state_dict().items()},
            "padding_idx": getattr(embed, "padding_idx", "missing")}
    return out


def _check_logits(got, ref, what: str) -> str | None:
    if not isinstance(got, torch.Tensor):
        return f"{what}: forward returned a {type(got).__name__}, expected a tensor"
    if got.shape != ref.shape:
        return f"{what}: output shape {tuple(got.shape)}, expected {tuple(ref.shape)}"
    if got.is_floating_point() and not bool(torch.isfinite(got).all()):
        bad = sorted({int(i) for i in (~torch.isfinite(got)).nonzero()[:, 0]})
        return f"{what}: the logits of row(s) {bad} are NaN or inf"
    why = compare(got, ref, rtol=1e-4, atol=1e-5)
    return f"{what}: the logits differ from the reference's with the same weights: {why}" if why else None


def _full(m, cfg: dict, images, tokens, seed: int) -> dict:
    """Logits, gradients after a cross-entropy backward, parameters after one SGD step."""
    model = _build(m, cfg, seed)
    out = model(images, tokens)
    obs = {"logits": out.detach().clone() if isinstance(out, torch.Tensor) else out}
    if not isinstance(out, torch.Tensor) or out.shape != (images.shape[0], cfg["num_classes"]):
        return obs
    y = torch.arange(images.shape[0]) % cfg["num_classes"]
    F.cross_entropy(out, y).backward()
    obs["grads"] = {n: None if p.grad is None else p.grad.clone()
                    for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


def _full_judge(got, ref):
    why = _check_logits(got["logits"], ref["logits"], "logits")
    if why:
        return why
    grads = got["grads"]
    for name in ("conv1.weight", "embed.weight"):
        g = grads.get(name)
        if g is None or not bool((g != 0).any()):
            return f"{name} got no gradient: the loss must reach both encoders"
    if any(g is not None and not bool(torch.isfinite(g).all()) for g in grads.values()):
        return "some gradients are NaN or inf"
    why = compare(grads, ref["grads"], rtol=1e-4, atol=1e-5, path="grad")
    if why:
        return f"the gradients after a cross-entropy backward differ: {why}"
    why = compare(got["after_step"], ref["after_step"], rtol=1e-4, atol=1e-5, path="param")
    return f"the parameters after one SGD step differ: {why}" if why else None


@probe(public=True, judge=_full_judge)
def logits_and_gradients(m):
    "batch of 4, 16x16 RGB images, 7 right-padded tokens (4 real tokens on average): logits, gradients, one SGD step"
    g = _gen(1)
    images = torch.randn(4, 3, 16, 16, generator=g)
    tokens = _tokens(BASE, [7, 5, 3, 1], 7, g)
    return _full(m, BASE, images, tokens, seed=1)


@probe(judge=_full_judge)
def left_padded_other_config(m):
    "pad_idx=3, one image channel, 3 classes, left-padded tokens (token 0 is a real word here): logits, gradients, one SGD step"
    g = _gen(2)
    images = torch.randn(3, 1, 12, 12, generator=g)
    tokens = _tokens(OTHER, [6, 2, 4], 6, g, left=True)
    tokens[0, 0] = 0  # id 0 is an ordinary token when pad_idx is 3
    return _full(m, OTHER, images, tokens, seed=2)


@probe(judge=_full_judge)
def batch_of_one(m):
    "a batch of one: an 8x8 image and 4 tokens: logits of shape (1, 4), gradients, one SGD step"
    g = _gen(3)
    return _full(m, BASE, torch.randn(1, 3, 8, 8, generator=g), _tokens(BASE, [3], 4, g), seed=3)


def _sizes_judge(got, ref):
    for case in ref:
        why = _check_logits(got[case], ref[case], case)
        if why:
            return why
    return None


@probe(judge=_sizes_judge)
def other_sizes(m):
    "the same model on 9x9 images with 3 tokens, 32x32 with 12 tokens and 10x14 (non-square) with 5: logits"
    g = _gen(4)
    cases = [(h, w, t, torch.randn(3, 3, h, w, generator=g),
              _tokens(BASE, [t, max(1, t - 2), 1], t, g))
             for h, w, t in ((9, 9, 3), (32, 32, 12), (10, 14, 5))]
    model = _build(m, BASE, seed=4)
    out = {}
    for h, w, t, images, tokens in cases:
        with torch.no_grad():
            out[f"images {h}x{w}, T={t}"] = model(images, tokens)
    return out


def _same(a, b) -> bool:
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
            and not compare(a, b, rtol=1e-5, atol=1e-6))


def _pads_judge(got, ref):
    plain, padded = got["plain"], got["padded"]
    if not isinstance(plain, torch.Tensor) or plain.shape != ref["plain"].shape:
        return _check_logits(plain, ref["plain"], "tokens without extra pads")
    if not _same(padded, plain):
        return ("appending 5 pad tokens to every row changed the logits: pads must not count "
                "in the text representation")
    return (_check_logits(plain, ref["plain"], "tokens without extra pads")
            or _check_logits(padded, ref["padded"], "with 5 pads appended"))


@probe(judge=_pads_judge)
def appended_pads_change_nothing(m):
    "appending 5 pad tokens to every row leaves the logits unchanged"
    g = _gen(5)
    images = torch.randn(3, 3, 16, 16, generator=g)
    tokens = _tokens(BASE, [6, 4, 2], 6, g)
    model = _build(m, BASE, seed=5)
    padded = torch.cat([tokens, torch.full((3, 5), BASE["pad_idx"])], dim=1)
    with torch.no_grad():
        return {"plain": model(images, tokens), "padded": model(images, padded)}


def _perturb_judge(got, ref):
    base = got["base"]
    if not isinstance(base, torch.Tensor) or base.shape != ref["base"].shape:
        return _check_logits(base, ref["base"], "unperturbed")
    if _same(got["image_changed"], got["base"]):
        return "changing only the images left the logits unchanged: the image must reach the output"
    if _same(got["text_changed"], got["base"]):
        return "changing only the tokens left the logits unchanged: the text must reach the output"
    return (_check_logits(base, ref["base"], "unperturbed")
            or _check_logits(got["image_changed"], ref["image_changed"], "new images, same tokens")
            or _check_logits(got["text_changed"], ref["text_changed"], "same images, new tokens"))


@probe(judge=_perturb_judge)
def each_input_matters(m):
    "changing only the images, or only the tokens, changes the logits (and as the reference's do)"
    g = _gen(6)
    images = torch.randn(3, 3, 16, 16, generator=g)
    tokens = _tokens(BASE, [5, 5, 3], 5, g)
    images2 = images + torch.randn(3, 3, 16, 16, generator=g)
    tokens2 = _tokens(BASE, [5, 5, 3], 5, g)
    model = _build(m, BASE, seed=6)
    with torch.no_grad():
        return {"base": model(images, tokens), "image_changed": model(images2, tokens),
                "text_changed": model(images, tokens2)}


@probe(judge=_full_judge)
def all_pad_row(m):
    "a batch whose second row is all pads: finite logits (text features of zeros), gradients, one SGD step"
    g = _gen(7)
    images = torch.randn(3, 3, 16, 16, generator=g)
    tokens = _tokens(BASE, [4, 0, 2], 4, g)
    return _full(m, BASE, images, tokens, seed=7)
