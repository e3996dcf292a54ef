"""Probes for train_eval_transforms: formats for PNG files of every common mode and for tensors,
eval determinism, normalisation, seeded train augmentation, brightness range, train != eval."""

import os
import tempfile

import torch
from PIL import Image

from torchdojo.probes import compare, probe

# PIL vs tensor resampling, or jitter on floats vs on uint8 (which truncates after each op), move
# values by up to ~4 uint8 levels: 0.07 after normalising with std ~0.225.
_ATOL = 0.1
_MEAN, _STD = (0.4, 0.6, 0.8), (0.2, 0.25, 0.5)  # 0.4 * 255 = 102 etc.: exact in uint8


def _photo(h: int, w: int, seed: int) -> torch.Tensor:
    """A uint8 (3, h, w) image: smooth colour ramps plus seeded noise, like a small photo."""
    g = torch.Generator().manual_seed(seed)
    y = torch.linspace(0, 1, h).view(h, 1)
    x = torch.linspace(0, 1, w).view(1, w)
    base = torch.stack([40 + 180 * x + 20 * y, 30 + 200 * y * (1 - 0.5 * x),
                        200 - 150 * x * y]).expand(3, h, w)
    noise = torch.randint(-12, 13, (3, h, w), generator=g)
    return (base + noise).round().clamp(0, 255).to(torch.uint8)


def _pil(t: torch.Tensor) -> Image.Image:
    return Image.fromarray(t.permute(1, 2, 0).contiguous().numpy())  # (H, W, 3) uint8 -> "RGB"


def _png(img: Image.Image, mode: str) -> Image.Image:
    """Save ``img`` converted to ``mode`` as a PNG file and open it again, as a dataset would."""
    path = os.path.join(tempfile.mkdtemp(), f"img_{mode}.png")
    img.convert(mode).save(path)
    return Image.open(path)


def _kind(x) -> str:
    if isinstance(x, dict) and "__opaque__" in x:
        return f"an object of type {x['__opaque__']} (was the image converted to a tensor?)"
    return type(x).__name__


def _check(out, size: int, what: str) -> str | None:
    """Type, shape and dtype of one output."""
    if not isinstance(out, torch.Tensor):
        return f"{what}: expected a float32 tensor, got {_kind(out)}"
    if tuple(out.shape) != (3, size, size):
        return f"{what}: expected shape (3, {size}, {size}), got {tuple(out.shape)}"
    if out.dtype != torch.float32:
        return f"{what}: expected dtype torch.float32, got {out.dtype}"
    return None


def _check_all(got, size: int) -> str | None:
    """_check on every tensor in a dict of outputs or lists of outputs."""
    for key, val in got.items():
        for i, out in enumerate(val if isinstance(val, list) else [val]):
            msg = _check(out, size, f"{key}[{i}]" if isinstance(val, list) else key)
            if msg:
                return msg
    return None


def _outputs_judge(size: int, atol: float = _ATOL):
    def judge(got, ref):
        return _check_all(got, size) or compare(got, ref, rtol=0.0, atol=atol)
    return judge


@probe(public=True, judge=_outputs_judge(32))
def eval_rgb(m):
    "eval of a 40x56 RGB PIL image, size=32, ImageNet mean/std: float32 (3, 32, 32) equal to the reference's (atol 0.1)"
    train, evaluate = m.build_transforms(32)
    return {"eval": evaluate(_pil(_photo(40, 56, 0)))}


def _file_case(m, mode: str) -> dict:
    train, evaluate = m.build_transforms(32)
    img = _png(_pil(_photo(48, 36, 1)), mode)
    torch.manual_seed(3)
    return {"eval": evaluate(img), "train": train(img)}


@probe(judge=_outputs_judge(32))
def grayscale_png(m):
    "a grayscale (mode L) PNG file opened with Image.open: train and eval give (3, 32, 32) float32, equal to the reference's"
    return _file_case(m, "L")


@probe(judge=_outputs_judge(32))
def rgba_png(m):
    "an RGBA PNG file opened with Image.open: train and eval give (3, 32, 32) float32, equal to the reference's"
    return _file_case(m, "RGBA")


@probe(judge=_outputs_judge(32))
def palette_png(m):
    "a palette (mode P) PNG file opened with Image.open: train and eval give (3, 32, 32) float32, equal to the reference's"
    return _file_case(m, "P")


@probe(judge=_outputs_judge(24))
def tensor_inputs(m):
    "uint8 tensors (3, H, W) and (1, H, W): train (seeded) and eval outputs equal the reference's"
    train, evaluate = m.build_transforms(24)
    rgb = _photo(30, 40, 2)
    gray = rgb[:1].clone()
    out = {"eval_rgb": evaluate(rgb), "eval_gray": evaluate(gray)}
    torch.manual_seed(4)
    out["train_rgb"] = train(rgb)
    torch.manual_seed(4)
    out["train_gray"] = train(gray)
    return out


def _deterministic_judge(got, ref):
    msg = _check_all(got, 32)
    if msg:
        return msg
    outs = got["eval"]
    for i in range(1, len(outs)):
        if not torch.equal(outs[i], outs[0]):
            return (f"eval gave different outputs for the same image (call 0 vs call {i}, "
                    "under different torch seeds): the eval pipeline must not be random")
    return compare(got, ref, rtol=0.0, atol=_ATOL)


@probe(judge=_deterministic_judge)
def eval_deterministic(m):
    "eval is deterministic: the same image gives the same output under 8 different torch seeds"
    train, evaluate = m.build_transforms(32)
    img = _pil(_photo(44, 60, 5))
    outs = []
    for seed in range(8):
        torch.manual_seed(seed)
        outs.append(evaluate(img))
    return {"eval": outs}


def _mean_colour_judge(got, ref):
    msg = _check_all(got, 24)
    if msg:
        return msg
    z = got["mean_colour"]
    if not torch.allclose(z, torch.zeros_like(z), atol=1e-5):
        means = [round(float(c), 4) for c in z.mean(dim=(1, 2))]
        return ("a constant image equal to the mean colour should become 0 everywhere after eval; "
                f"got per-channel means {means}")
    o = got["mean_plus_one_std"]
    if not torch.allclose(o, torch.tensor([1.0, 0.8, 0.4]).view(3, 1, 1).expand_as(o), atol=1e-5):
        means = [round(float(c), 4) for c in o.mean(dim=(1, 2))]
        return ("a constant image of colour (0.6, 0.8, 1.0) with mean (0.4, 0.6, 0.8) and std "
                f"(0.2, 0.25, 0.5) should give (1.0, 0.8, 0.4) per channel; got {means}")
    return compare(got, ref, rtol=0.0, atol=1e-5)


@probe(judge=_mean_colour_judge)
def normalisation(m):
    "eval of constant images with mean=(0.4, 0.6, 0.8), std=(0.2, 0.25, 0.5): the mean colour gives 0, (0.6, 0.8, 1.0) gives (1.0, 0.8, 0.4)"
    train, evaluate = m.build_transforms(24, mean=_MEAN, std=_STD)
    return {"mean_colour": evaluate(Image.new("RGB", (50, 30), (102, 153, 204))),
            "mean_plus_one_std": evaluate(Image.new("RGB", (50, 30), (153, 204, 255)))}


def _train_judge(got, ref):
    msg = _check_all(got, 32)
    if msg:
        return msg
    a, b, c, ev = got["seed5"], got["seed5_again"], got["seed6"], got["eval"]
    if torch.allclose(a, ev, atol=1e-3):
        return "train and eval gave the same output: the training pipeline should augment"
    if not torch.equal(a, b):
        return "two train calls after the same torch.manual_seed(5) gave different outputs"
    if torch.allclose(a, c, atol=1e-3):
        return "train gave the same output after torch.manual_seed(5) and torch.manual_seed(6)"
    return compare(got, ref, rtol=0.0, atol=_ATOL)


@probe(judge=_train_judge)
def train_seeded(m):
    "train is reproducible under torch.manual_seed, varies across seeds, differs from eval, and equals the reference's (atol 0.1)"
    train, evaluate = m.build_transforms(32)
    img = _pil(_photo(40, 56, 6))
    out = {"eval": evaluate(img)}
    for key, seed in (("seed5", 5), ("seed5_again", 5), ("seed6", 6)):
        torch.manual_seed(seed)
        out[key] = train(img)
    return out


def _brightness_judge(got, ref):
    f = got
    if not isinstance(f, torch.Tensor):
        return f"expected brightness factors, got {_kind(f)}"
    lo, hi = float(f.min()), float(f.max())
    # uint8 rounding in the jitter ops shifts a factor by up to -3/128 or +1/128
    if lo < 0.76 or hi > 1.22 or lo > 0.86 or hi < 1.14:
        return (f"on a flat gray image the train pipeline scaled brightness by factors from "
                f"{lo:.3f} to {hi:.3f} over {len(f)} calls; expected factors spread over "
                "about [0.8, 1.2]")
    return None


@probe(judge=_brightness_judge)
def brightness_range(m):
    "200 train calls on a flat gray image (mean 0, std 1): brightness factors spread over about [0.8, 1.2]"
    train, evaluate = m.build_transforms(16, mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0))
    img = Image.new("RGB", (20, 20), (128, 128, 128))
    factors = []
    for _ in range(200):
        out = train(img)
        if not isinstance(out, torch.Tensor):
            return out
        factors.append(float(out.float().mean()) * 255 / 128)
    return torch.tensor(factors)


@probe(judge=_outputs_judge(64))
def defaults(m):
    "build_transforms() with its defaults (size 64, ImageNet mean/std) on a 72x100 image: train (seeded) and eval equal the reference's"
    train, evaluate = m.build_transforms()
    img = _pil(_photo(72, 100, 7))
    torch.manual_seed(8)
    return {"eval": evaluate(img), "train": train(img)}


@probe
def returns_a_tuple(m):
    "build_transforms(16) returns a tuple of two callables"
    result = m.build_transforms(16)
    return {"type": type(result).__name__, "len": len(result),
            "callable": [callable(f) for f in result]}
