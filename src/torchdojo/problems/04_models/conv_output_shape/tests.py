"""Probes for conv_output_shape: conv2d_out_shape and conv_transpose2d_out_shape against the shapes
real F.conv2d / F.conv_transpose2d produce on a few hundred seeded random argument combinations
(ints and (h, w) pairs, h != w), hand-picked cases (uneven strides, dilation, axis order, 1x1
inputs), the return type (a tuple of Python ints) and ValueError for arguments torch rejects.

Each probe also runs the real convolution on tiny CPU tensors; the judge compares the learner's
answers with the shapes observed in the reference's process, never with anything the learner's
process reports about torch."""

import random

import torch
import torch.nn.functional as F

from torchdojo.probes import probe, raised


def _pick(rng: random.Random, lo: int, hi: int, pair_prob: float = 0.5):
    """An int, or (more often than not) a pair with two different entries."""
    if rng.random() >= pair_prob:
        return rng.randint(lo, hi)
    a = rng.randint(lo, hi)
    b = rng.choice([v for v in range(lo, hi + 1) if v != a])
    return (a, b)


def _pair(v) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


def _conv_cases(n: int, seed: int) -> list[dict]:
    """n valid argument sets for conv2d_out_shape (the dilated kernel fits, h != w)."""
    rng, cases = random.Random(seed), []
    while len(cases) < n:
        kw = {"kernel": _pick(rng, 1, 7), "stride": _pick(rng, 1, 4),
              "padding": _pick(rng, 0, 3), "dilation": _pick(rng, 1, 3, pair_prob=0.4)}
        k, p, d = _pair(kw["kernel"]), _pair(kw["padding"]), _pair(kw["dilation"])
        least = [max(1, d[i] * (k[i] - 1) + 1 - 2 * p[i]) for i in range(2)]
        h = rng.randint(least[0], least[0] + 40)
        w = rng.randint(least[1], least[1] + 40)
        if h != w:
            cases.append({"h": h, "w": w, **kw})
    return cases


def _transpose_cases(n: int, seed: int) -> list[dict]:
    """n valid argument sets for conv_transpose2d_out_shape."""
    rng, cases = random.Random(seed), []
    while len(cases) < n:
        kw = {"kernel": _pick(rng, 1, 6), "stride": _pick(rng, 1, 4),
              "padding": _pick(rng, 0, 2), "dilation": _pick(rng, 1, 3, pair_prob=0.3)}
        s, d = _pair(kw["stride"]), _pair(kw["dilation"])
        op = tuple(rng.randint(0, max(s[i], d[i]) - 1) for i in range(2))
        kw["output_padding"] = op if op[0] != op[1] or rng.random() < 0.5 else op[0]
        h, w = rng.randint(1, 20), rng.randint(1, 20)
        k, p = _pair(kw["kernel"]), _pair(kw["padding"])
        sizes = [((h, w)[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1
                 for i in range(2)]
        if h != w and min(sizes) >= 1:
            cases.append({"h": h, "w": w, **kw})
    return cases


def _real_conv(c: dict) -> tuple[int, int]:
    x = torch.zeros(1, 1, c["h"], c["w"])
    k = torch.zeros(1, 1, *_pair(c["kernel"]))
    y = F.conv2d(x, k, stride=c.get("stride", 1), padding=c.get("padding", 0),
                 dilation=c.get("dilation", 1))
    return (int(y.shape[-2]), int(y.shape[-1]))


def _real_transpose(c: dict) -> tuple[int, int]:
    x = torch.zeros(1, 1, c["h"], c["w"])
    k = torch.zeros(1, 1, *_pair(c["kernel"]))
    y = F.conv_transpose2d(x, k, stride=c.get("stride", 1), padding=c.get("padding", 0),
                           output_padding=c.get("output_padding", 0),
                           dilation=c.get("dilation", 1))
    return (int(y.shape[-2]), int(y.shape[-1]))


def _call(c: dict) -> str:
    args = ", ".join(f"{k}={v}" for k, v in c.items() if k not in ("h", "w"))
    return f"({c['h']}, {c['w']}, {args})"


def _shape_judge(fn_name: str, layer: str):
    def judge(got, ref):
        answers = got.get("answers") if isinstance(got, dict) else None
        if not isinstance(answers, list) or len(answers) != len(ref["real"]):
            return "could not read the answers"
        for c, a, real in zip(ref["cases"], answers, ref["real"], strict=True):
            if not isinstance(a, tuple):
                kind = a.get("__opaque__", "dict") if isinstance(a, dict) else type(a).__name__
                return f"{fn_name}{_call(c)} returned a {kind}; expected a tuple of two ints"
            if len(a) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in a):
                return (f"{fn_name}{_call(c)} returned {a!r}; expected a tuple of two Python "
                        "ints")
            if a != real:
                return f"{fn_name}{_call(c)} returned {a}, but {layer} gives {real}"
        return None

    return judge


def _observe(m, fn_name: str, cases: list[dict], real) -> dict:
    fn = getattr(m, fn_name)
    return {"cases": cases, "answers": [fn(**c) for c in cases], "real": [real(c) for c in cases]}


_conv_judge = _shape_judge("conv2d_out_shape", "nn.Conv2d")
_transpose_judge = _shape_judge("conv_transpose2d_out_shape", "nn.ConvTranspose2d")


@probe(public=True, judge=_conv_judge)
def conv_examples(m):
    "conv2d_out_shape on the statement's examples and a few common layers"
    cases = [
        {"h": 32, "w": 32, "kernel": 3, "padding": 1},
        {"h": 28, "w": 28, "kernel": 5},
        {"h": 7, "w": 10, "kernel": 3, "stride": 2},
        {"h": 28, "w": 40, "kernel": (3, 5), "stride": (1, 2), "padding": (1, 0),
         "dilation": (2, 1)},
        {"h": 224, "w": 224, "kernel": 7, "stride": 2, "padding": 3},
        {"h": 1, "w": 1, "kernel": 1},
    ]
    return _observe(m, "conv2d_out_shape", cases, _real_conv)


@probe(judge=_conv_judge)
def conv_uneven_strides(m):
    "strides that do not divide evenly: the division rounds down"
    cases = [{"h": h, "w": h + 1, "kernel": k, "stride": s, "padding": p}
             for h, k, s, p in [(10, 3, 2, 0), (11, 3, 3, 1), (9, 2, 4, 0), (15, 4, 3, 1),
                                (6, 1, 4, 0), (5, 5, 2, 2), (13, 3, 4, 3)]]
    return _observe(m, "conv2d_out_shape", cases, _real_conv)


@probe(judge=_conv_judge)
def conv_dilation(m):
    "dilation > 1 widens the kernel to d * (k - 1) + 1"
    cases = [{"h": 20, "w": 17, "kernel": 3, "dilation": 2},
             {"h": 20, "w": 17, "kernel": 3, "dilation": 3, "padding": 3},
             {"h": 9, "w": 12, "kernel": (3, 2), "dilation": (4, 5), "stride": 2},
             {"h": 7, "w": 8, "kernel": 3, "dilation": 3}]
    return _observe(m, "conv2d_out_shape", cases, _real_conv)


@probe(judge=_conv_judge)
def conv_axis_order(m):
    "pairs are (for height, for width): swapping the entries would change every answer here"
    cases = [{"h": 30, "w": 12, "kernel": (5, 1)},
             {"h": 30, "w": 30, "kernel": 3, "stride": (3, 1)},
             {"h": 16, "w": 40, "kernel": 3, "padding": (0, 3)},
             {"h": 25, "w": 25, "kernel": 3, "dilation": (1, 4)},
             {"h": 9, "w": 31, "kernel": (1, 7), "stride": (1, 3), "padding": (0, 2)}]
    return _observe(m, "conv2d_out_shape", cases, _real_conv)


@probe(judge=_conv_judge)
def conv_random(m):
    "300 seeded random combinations (ints and pairs, h != w) against real F.conv2d shapes"
    return _observe(m, "conv2d_out_shape", _conv_cases(300, seed=2024), _real_conv)


@probe(public=True, judge=_transpose_judge)
def transpose_examples(m):
    "conv_transpose2d_out_shape on upsampling layers (stride 2, output_padding)"
    cases = [
        {"h": 16, "w": 16, "kernel": 4, "stride": 2, "padding": 1},
        {"h": 7, "w": 7, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1},
        {"h": 4, "w": 6, "kernel": (3, 5), "stride": (2, 3), "padding": (1, 2),
         "output_padding": (1, 0)},
        {"h": 5, "w": 3, "kernel": 3, "dilation": 2, "output_padding": 1},
        {"h": 1, "w": 1, "kernel": 1},
    ]
    return _observe(m, "conv_transpose2d_out_shape", cases, _real_transpose)


@probe(judge=_transpose_judge)
def transpose_random(m):
    "200 seeded random combinations against real F.conv_transpose2d shapes"
    return _observe(m, "conv_transpose2d_out_shape", _transpose_cases(200, seed=7),
                    _real_transpose)


_CONV_ERRORS = [
    {"h": 3, "w": 5, "kernel": 5},                       # too small in h
    {"h": 4, "w": 4, "kernel": 3, "dilation": 2},        # extent 5 > 4
    {"h": 4, "w": 10, "kernel": 6, "stride": 2},         # -2 // 2 would round to -1
    {"h": 9, "w": 2, "kernel": (1, 5), "padding": (0, 1)},
    {"h": 2, "w": 2, "kernel": 3, "padding": 1},         # fits exactly: (2, 2)
    {"h": 5, "w": 4, "kernel": 3, "dilation": 2, "padding": (0, 1)},  # fits exactly
]
_TRANSPOSE_ERRORS = [
    {"h": 5, "w": 5, "kernel": 3, "stride": 2, "output_padding": 2},   # op >= stride
    {"h": 5, "w": 5, "kernel": 3, "output_padding": 1},                # op >= stride, dilation
    {"h": 1, "w": 1, "kernel": 1, "padding": 1},                       # size -1
    {"h": 5, "w": 5, "kernel": 3, "stride": 2, "output_padding": 1},   # fine
    {"h": 5, "w": 5, "kernel": 3, "dilation": 2, "output_padding": 1},  # fine (op < d)
]


def _errors_judge(got, ref):
    for i, (name, cases) in enumerate((("conv2d_out_shape", _CONV_ERRORS),
                                       ("conv_transpose2d_out_shape", _TRANSPOSE_ERRORS))):
        for c, g, r in zip(cases, got[i], ref[i], strict=True):
            if g != r:
                want = f"raise {r}" if r else "return a shape"
                did = f"raised {g}" if g else "returned without an error"
                return f"{name}{_call(c)} should {want}; it {did}"
    return None


@probe(judge=_errors_judge)
def invalid_arguments(m):
    "ValueError when the kernel does not fit or the output padding is too large; none at the limit"
    return ([raised(lambda c=c: m.conv2d_out_shape(**c)) for c in _CONV_ERRORS],
            [raised(lambda c=c: m.conv_transpose2d_out_shape(**c)) for c in _TRANSPOSE_ERRORS])
