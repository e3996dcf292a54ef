"""Probes for crop_flip_augment: output format, exact flips, padding, small images, seeded
reproducibility, and the statistics of the random choices (flip rate, crop offsets)."""

import torch
from PIL import Image

from torchdojo.probes import compare, probe

_N_FLIP = 400          # calls per flip-rate estimate (binomial std <= 0.025)
_FLIP_TOL = 0.1        # allowed |observed rate - p_flip|
_N_CROP = 200          # calls for the crop-offset statistics


def _pattern(h: int, w: int) -> torch.Tensor:
    """A uint8 (3, h, w) test image: red grows with x, green with y, blue is a texture.

    Every value is >= 16, so a zero pixel can only come from padding; a pixel's red and green
    values give its column and row, so flips and crop offsets can be read off the output.
    """
    y = torch.arange(h).view(h, 1).expand(h, w)
    x = torch.arange(w).view(1, w).expand(h, w)
    r = 16 + 5 * x
    g = 16 + 5 * y
    b = 30 + (3 * x + 7 * y) % 200
    return torch.stack([r, g, b]).to(torch.uint8)  # (3, h, w)


def _pil(t: torch.Tensor) -> Image.Image:
    """The same image as an RGB PIL image."""
    return Image.fromarray(t.permute(1, 2, 0).contiguous().numpy())  # (H, W, 3) uint8 -> "RGB"


def _u8(out):
    """An output in [0, 1] turned back into uint8 values, or None if it is not a float tensor."""
    if not isinstance(out, torch.Tensor) or not out.is_floating_point():
        return None
    return (out.as_subclass(torch.Tensor) * 255).round().clamp(0, 255).to(torch.uint8)


def _kind(x) -> str:
    """A short name for a decoded observation that is not a tensor."""
    if isinstance(x, dict) and "__opaque__" in x:
        return f"an object of type {x['__opaque__']}"
    return type(x).__name__


def _check_images(got, size: int, what: str) -> str | None:
    """Type, shape, dtype and range of every output in the list ``got``."""
    for i, out in enumerate(got):
        if not isinstance(out, torch.Tensor):
            return f"{what}[{i}]: expected a float32 tensor, got {_kind(out)}"
        if tuple(out.shape) != (3, size, size):
            return f"{what}[{i}]: expected shape (3, {size}, {size}), got {tuple(out.shape)}"
        if out.dtype != torch.float32:
            return f"{what}[{i}]: expected dtype torch.float32, got {out.dtype}"
        lo, hi = float(out.min()), float(out.max())
        if lo < 0.0 or hi > 1.0:
            return (f"{what}[{i}]: values must lie in [0, 1], got min {lo:.4g} and max {hi:.4g} "
                    "(was the uint8 image scaled?)")
    return None


def _images_judge(size: int):
    """Judge for a dict of lists of outputs: format first, then equality with the reference."""
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"expected a dict of outputs, got {type(got).__name__}"
        for key in ref:
            msg = _check_images(got[key], size, key)
            if msg:
                return msg
        return compare(got, ref, rtol=0.0, atol=1e-6)
    return judge


def _run(aug, x, n: int) -> list:
    return [aug(x) for _ in range(n)]


@probe(public=True, judge=_images_judge(24))
def format_pil_and_tensor(m):
    "size=24 on a 32x40 image (RGB PIL and uint8 tensor): float32 (3, 24, 24) in [0, 1], equal to the reference's under torch.manual_seed(0)"
    img = _pattern(32, 40)
    aug = m.build_augment(24)
    torch.manual_seed(0)
    pil = _run(aug, _pil(img), 3)
    torch.manual_seed(0)
    ten = _run(aug, img, 3)
    return {"pil": pil, "tensor": ten}


def _kind_of(out, img: torch.Tensor) -> str:
    """What an output is, relative to the uint8 image ``img`` of the same size."""
    o = _u8(out)
    if o is None or o.shape != img.shape:
        return "not an image of the input's size"
    for kind, cand in (("the image unchanged", img), ("mirrored left-right", img.flip(-1)),
                       ("flipped top-bottom", img.flip(-2))):
        if torch.equal(o, cand):
            return kind
    return "neither the image nor a mirror of it"


def _flip_judge(p: float):
    want = "mirrored left-right" if p == 1.0 else "the image unchanged"

    def judge(got, ref):
        for key in ("pil", "tensor"):
            msg = _check_images(got[key], 20, key)
            if msg:
                return msg
        for key in ("pil", "tensor"):
            for i, kind in enumerate(got[f"{key}_kinds"]):
                if kind != want:
                    return (f"p_flip={p:g}, size == image size: every output should be {want}; "
                            f"{key} output {i} was {kind}")
        return compare(got, ref, rtol=0.0, atol=1e-6)
    return judge


def _flip_case(m, p: float) -> dict:
    img = _pattern(20, 20)
    aug = m.build_augment(20, p_flip=p)
    pil, ten = _run(aug, _pil(img), 4), _run(aug, img, 4)
    return {"pil": pil, "tensor": ten, "pil_kinds": [_kind_of(o, img) for o in pil],
            "tensor_kinds": [_kind_of(o, img) for o in ten]}


@probe(judge=_flip_judge(1.0))
def always_flip(m):
    "p_flip=1 and size == image size: every output is exactly the mirrored image"
    return _flip_case(m, 1.0)


@probe(judge=_flip_judge(0.0))
def never_flip(m):
    "p_flip=0 and size == image size: every output is exactly the input image"
    return _flip_case(m, 0.0)


def _padding_judge(got, ref):
    msg = _check_images(got["outputs"], 32, "outputs")
    if msg:
        return msg
    n = len(got["outputs"])
    padded = sum(bool((o == 0).all(dim=0).any()) for o in got["outputs"])
    if padded == 0:
        return (f"with padding=4 none of the {n} outputs shows any zero padding: a 32x32 crop "
                "of the padded 40x40 image almost always includes some of the border")
    return compare(got, ref, rtol=0.0, atol=1e-6)


@probe(judge=_padding_judge)
def cifar_padding(m):
    "size=32, padding=4 on a 32x32 image: outputs stay 32x32, include zero padding, and match the reference under the seed"
    img = _pattern(32, 32)
    aug = m.build_augment(32, padding=4)
    return {"outputs": _run(aug, img, 12) + _run(aug, _pil(img), 4)}


@probe(judge=_images_judge(32))
def smaller_than_size(m):
    "size=32 on images smaller than 32 in one or both sides (20x24, 40x20, PIL and tensor): no error, (3, 32, 32) outputs"
    small, narrow = _pattern(20, 24), _pattern(40, 20)
    aug = m.build_augment(32)
    return {"small": _run(aug, small, 2) + _run(aug, _pil(small), 2),
            "narrow": _run(aug, narrow, 2) + _run(aug, _pil(narrow), 2)}


def _seeded_judge(got, ref):
    for key in ref:
        msg = _check_images(got[key], 28, key)
        if msg:
            return msg
    if compare(got["a"], got["b"], rtol=0.0, atol=0.0) is not None:
        return "two runs after the same torch.manual_seed(7) gave different outputs"
    if compare(got["a"], got["c"], rtol=0.0, atol=0.0) is None:
        return "runs after torch.manual_seed(7) and torch.manual_seed(8) gave identical outputs"
    return compare(got, ref, rtol=0.0, atol=1e-6)


@probe(judge=_seeded_judge)
def seeded_runs(m):
    "the same torch.manual_seed gives the same outputs, another seed different ones"
    img = _pattern(36, 36)
    aug = m.build_augment(28, p_flip=0.5, padding=2)
    out = {}
    for key, seed in (("a", 7), ("b", 7), ("c", 8)):
        torch.manual_seed(seed)
        out[key] = _run(aug, img, 6)
    return out


@probe(judge=_images_judge(28))
def seed_then_build(m):
    "torch.manual_seed(3), then build the pipeline, then call it: outputs equal the reference's"
    img = _pattern(36, 36)
    torch.manual_seed(3)
    aug = m.build_augment(28, p_flip=0.5, padding=2)
    return {"outputs": _run(aug, img, 6)}


def _flip_rate_judge(got, ref):
    for p, codes in got.items():
        codes = torch.as_tensor(codes)
        bad = (codes == 2).nonzero()
        if len(bad):
            return (f"p_flip={p}, call {int(bad[0])}: with size == image size and padding=0 the "
                    "output must be the image or its left-right mirror, and it is neither")
        rate = float((codes == 1).float().mean())
        if abs(rate - float(p)) > _FLIP_TOL:
            return (f"p_flip={p}: {int((codes == 1).sum())} of {len(codes)} outputs were "
                    f"mirrored (rate {rate:.3f}); expected a rate within {_FLIP_TOL} of {p}")
    return None


@probe(judge=_flip_rate_judge)
def flip_rate(m):
    "over 400 calls each, the share of mirrored outputs is within 0.1 of p_flip (0.5 and 0.2)"
    img = _pattern(12, 12)
    same, mirrored = img, img.flip(-1)
    out = {}
    for p in (0.5, 0.2):
        aug = m.build_augment(12, p_flip=p)
        codes = []
        for _ in range(_N_FLIP):
            o = _u8(aug(img))
            if o is not None and torch.equal(o, same):
                codes.append(0)
            elif o is not None and torch.equal(o, mirrored):
                codes.append(1)
            else:
                codes.append(2)
        out[str(p)] = torch.tensor(codes, dtype=torch.uint8)
    return out


def _offsets_judge(got, ref):
    offs = torch.as_tensor(got)
    bad = (offs[:, 0] < 0).nonzero()
    if len(bad):
        return (f"call {int(bad[0])}: with p_flip=0 and padding=0 the output must be a 32x32 "
                "window of the 40x48 input, and it is not")
    tops, lefts = offs[:, 0], offs[:, 1]
    distinct = len({(int(t), int(le)) for t, le in offs})
    if distinct < 50:
        return (f"only {distinct} distinct crop positions in {len(offs)} calls: the crop offset "
                "should be drawn at random for every call")
    if (int(tops.min()), int(tops.max()), int(lefts.min()), int(lefts.max())) != (0, 8, 0, 16):
        return (f"crop offsets ranged over top {int(tops.min())}..{int(tops.max())} and left "
                f"{int(lefts.min())}..{int(lefts.max())}; every valid offset (top 0..8, left "
                "0..16) should be possible")
    return None


@probe(judge=_offsets_judge)
def crop_offsets(m):
    "size=32 on a 40x48 image, 200 calls: every output is a window of the input, and its position varies over all valid offsets"
    img = _pattern(40, 48)
    aug = m.build_augment(32, p_flip=0.0)
    offs = []
    for _ in range(_N_CROP):
        o = _u8(aug(img))
        top = left = -1
        if o is not None and tuple(o.shape) == (3, 32, 32):
            t, le = (int(o[1, 0, 0]) - 16) // 5, (int(o[0, 0, 0]) - 16) // 5
            if 0 <= t <= 8 and 0 <= le <= 16 and torch.equal(o, img[:, t:t + 32, le:le + 32]):
                top, left = t, le
        offs.append((top, left))
    return torch.tensor(offs)
