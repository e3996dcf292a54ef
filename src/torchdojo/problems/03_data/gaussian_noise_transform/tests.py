"""Probes for gaussian_noise_transform: seeded values, dtypes, statistics, no mutation, repr."""

import torch
from torchvision.transforms import v2

from torchdojo.probes import compare, probe

MEAN, STD = 0.5, 2.0
STAT_TOL = 0.03  # on the sample mean and std of 200,000 draws (about 7 standard errors)


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@probe(public=True)
def seeded_values(m):
    "AddGaussianNoise(0.5, 2.0, generator seeded 1234) on a 4x5 float32 tensor"
    x = torch.randn(4, 5)
    t = m.AddGaussianNoise(MEAN, STD, generator=_gen(1234))
    return t(x)


@probe
def dtype_and_shape_kept(m):
    "float16, float32 and float64 inputs of several shapes keep their shape and dtype"
    out = {}
    for name, shape, dtype in (("f16", (7,), torch.float16), ("f32", (2, 3, 4, 5), torch.float32),
                               ("f64", (2, 3, 5), torch.float64)):
        x = torch.rand(shape).to(dtype)
        out[name] = m.AddGaussianNoise(0.1, 0.5, generator=_gen(11))(x)
    return out


@probe
def non_contiguous_input(m):
    "a transposed and a strided (non-contiguous) input: shape kept, values as for torch.randn(x.shape)"
    x = torch.randn(5, 4)
    t = m.AddGaussianNoise(MEAN, STD, generator=_gen(21))
    return {"transposed": t(x.t()), "strided": t(x[::2, 1:])}


def _not_modified_judge(got, ref):
    if compare(got["after"], got["before"]) is not None:
        return "the input tensor was modified by the call: add the noise out of place"
    if got["same_object"]:
        return "the call returned the input tensor itself: return a new tensor"
    return compare(got["out"], ref["out"], path="output")


@probe(judge=_not_modified_judge)
def input_not_modified(m):
    "the input tensor is left unchanged and a new tensor is returned"
    x = torch.randn(3, 8)
    before = x.clone()
    y = m.AddGaussianNoise(MEAN, STD, generator=_gen(5))(x)
    return {"before": before, "after": x, "out": y, "same_object": y is x}


def _stats_judge(got, ref):
    for key, want in (("mean", MEAN), ("std", STD)):
        g = got[key]
        if not isinstance(g, float) or abs(g - want) > STAT_TOL:
            return (f"over 200,000 draws the noise's sample {key} was {g!r}; expected within "
                    f"{STAT_TOL} of {want}")
    return None


@probe(judge=_stats_judge)
def noise_statistics(m):
    "over 200,000 draws the noise (output - input) has mean 0.5 and std 2.0 (within 0.03)"
    x = torch.full((200_000,), 3.0)
    noise = m.AddGaussianNoise(MEAN, STD, generator=_gen(2024))(x) - 3.0
    return {"mean": float(noise.mean()), "std": float(noise.std())}


def _same_seed_judge(got, ref):
    if compare(got["a"], got["b"]) is not None:
        return ("two transforms whose generators were seeded alike gave different outputs: "
                "is the noise drawn from the given generator?")
    return compare(got["a"], ref["a"], path="output")


@probe(judge=_same_seed_judge)
def same_seed_same_output(m):
    "two transforms with generators seeded alike give the same output on the same input"
    x = torch.randn(6, 6)
    a = m.AddGaussianNoise(MEAN, STD, generator=_gen(7))(x)
    torch.randn(100)  # move the global RNG on between the two calls
    b = m.AddGaussianNoise(MEAN, STD, generator=_gen(7))(x)
    return {"a": a, "b": b}


def _calls_differ_judge(got, ref):
    if compare(got["first"], got["second"]) is None:
        return ("two calls of one transform on the same input gave the same output: each call "
                "must draw fresh noise (the generator's state moves on)")
    return compare(got, ref)


@probe(judge=_calls_differ_judge)
def consecutive_calls_differ(m):
    "two calls of one transform draw different noise, in the generator's order"
    x = torch.zeros(3, 4)
    t = m.AddGaussianNoise(MEAN, STD, generator=_gen(99))
    first = t(x).clone()
    second = t(x).clone()
    return {"first": first, "second": second}


@probe
def defaults_and_global_rng(m):
    "defaults mean=0, std=1; without a generator the global RNG (torch.manual_seed) is used"
    x = torch.randn(2, 5)
    with_defaults = m.AddGaussianNoise(generator=_gen(3))(x)
    torch.manual_seed(42)
    global_rng = m.AddGaussianNoise(0.0, 0.3)(x)
    return {"defaults": with_defaults, "global_rng": global_rng}


@probe
def inside_v2_compose(m):
    "as the last step of v2.Compose([ToImage(), ToDtype(float32, scale=True), ...]) on uint8"
    img = torch.randint(0, 256, (3, 5, 6), dtype=torch.uint8)
    pipeline = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True),
                           m.AddGaussianNoise(0.0, 0.1, generator=_gen(8))])
    return pipeline(img)


def _repr_judge(got, ref):
    """Each repr must be exactly the reference's: AddGaussianNoise(mean=<mean>, std=<std>)."""
    if not isinstance(got, dict) or set(got) != set(ref):
        return f"expected one repr per case {sorted(ref)}, got {type(got).__name__}"
    for case, want in ref.items():
        if not isinstance(got[case], str):
            return f"repr() should give a str, got {type(got[case]).__name__}"
        if got[case] != want:
            return f"repr(AddGaussianNoise({case})) gave {got[case]!r}, expected {want!r}"
    return None


@probe(judge=_repr_judge)
def repr_names_mean_and_std(m):
    "repr() of transforms with several (mean, std), the defaults included: the class, mean and std"
    out = {"0.5, 2.0": repr(m.AddGaussianNoise(MEAN, STD)), "defaults": repr(m.AddGaussianNoise())}
    out["0.125, 0.1"] = repr(m.AddGaussianNoise(0.125, 0.1, generator=_gen(0)))
    return out
