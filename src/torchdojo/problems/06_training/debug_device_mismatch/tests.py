"""Probes for debug_device_mismatch: outputs after a strict load of seeded weights and
statistics, a checkpoint round trip, the state_dict keys and buffer/parameter names, a forward
pass on the meta device (shape, dtype, device only: meta tensors hold no data) and the model
moved to float64 (dtypes of every tensor it owns, and the outputs)."""

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
TOL64 = {"rtol": 1e-6, "atol": 1e-8}  # float32-built decay may differ by an ulp


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _stats(g, f: int):
    return torch.randn(f, generator=g) * 2, torch.rand(f, generator=g) * 3 + 0.5


def _state(g, f: int, hid: int) -> dict[str, torch.Tensor]:
    mean, std = _stats(g, f)
    shapes = {"cell.weight_ih": (hid, f), "cell.weight_hh": (hid, hid), "cell.bias_ih": (hid,),
              "cell.bias_hh": (hid,), "head.weight": (1, hid), "head.bias": (1,)}
    sd = {k: torch.randn(s, generator=g) * 0.5 for k, s in shapes.items()}
    sd.update(mean=mean, std=std)
    return sd


def _loaded(m, g, f: int, hid: int, max_len: int):
    """A model built with placeholder statistics, then loaded strictly with seeded ones."""
    model = m.SequenceEncoder(torch.zeros(f), torch.ones(f), hid, max_len)
    model.load_state_dict(_state(g, f, hid), strict=True)
    return model


def _x(g, b: int, t: int, f: int, dtype=torch.float32) -> torch.Tensor:
    return (torch.randn(b, t, f, generator=g) * 3 + 1).to(dtype)


@probe(public=True, **TOL)
def cpu_outputs(m):
    "F=3, hidden 4, max_len 6, seeded weights and statistics (strict load): 2 sequences of length 5"
    g = _gen(1)
    model = _loaded(m, g, 3, 4, 6)
    with torch.no_grad():
        return model(_x(g, 2, 5, 3))


@probe(**TOL)
def cpu_lengths(m):
    "T = 1 and T = max_len, batch sizes 1 and 4"
    g = _gen(2)
    model = _loaded(m, g, 2, 5, 7)
    with torch.no_grad():
        return [model(_x(g, 4, 1, 2)), model(_x(g, 1, 7, 2))]


@probe(**TOL)
def checkpoint_round_trip(m):
    "a model built with other statistics and loaded from a saved state_dict() predicts the same"
    g = _gen(3)
    mean, std = _stats(g, 3)
    trained = m.SequenceEncoder(mean, std, 4, 5)
    with torch.no_grad():
        for _, p in sorted(trained.named_parameters()):  # by name: registration order is free
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    saved = {k: v.clone() for k, v in trained.state_dict().items()}
    fresh = m.SequenceEncoder(torch.zeros(3), torch.ones(3), 4, 5)
    fresh.load_state_dict(saved, strict=True)
    x = _x(g, 3, 4, 3)
    with torch.no_grad():
        return [trained(x), fresh(x)]


def _names_judge(got, ref):
    for key, what in (("state_keys", "state_dict() keys"), ("buffers", "buffer names"),
                      ("params", "parameter names")):
        if got[key] != ref[key]:
            missing = sorted(set(ref[key]) - set(got[key]))
            extra = sorted(set(got[key]) - set(ref[key]))
            return f"{what} differ: missing {missing}, unexpected {extra}"
    return None


@probe(judge=_names_judge)
def registered_tensors(m):
    "the state_dict keys, buffer names and parameter names (sorted)"
    model = m.SequenceEncoder(torch.zeros(3), torch.ones(3), 4, 6)
    return {"state_keys": sorted(model.state_dict().keys()),
            "buffers": sorted(n for n, _ in model.named_buffers()),
            "params": sorted(n for n, _ in model.named_parameters())}


def _meta_obs(m, b: int, t: int, f: int, hid: int, max_len: int):
    g = _gen(4)
    mean, std = _stats(g, f)
    model = m.SequenceEncoder(mean, std, hid, max_len).to("meta")
    out = model(torch.empty(b, t, f, device="meta"))
    return {"shape": list(out.shape), "dtype": str(out.dtype), "device": str(out.device)}


@probe(public=True)
def meta_device(m):
    "model.to('meta'), a meta input of shape (2, 5, 3): output shape, dtype and device"
    return _meta_obs(m, 2, 5, 3, 4, 6)


@probe
def meta_device_full_length(m):
    "on meta with T = max_len = 8, 3 features, hidden 6, batch 4"
    return _meta_obs(m, 4, 8, 3, 6, 8)


def _float64_judge(got, ref):
    if sorted(got["dtypes"]) != sorted(ref["dtypes"]):
        missing = sorted(set(ref["dtypes"]) - set(got["dtypes"]))
        return f"the model does not register {missing} as parameters or buffers, so .to() skips them"
    if got["dtypes"] != ref["dtypes"]:
        wrong = {k: v for k, v in got["dtypes"].items() if v != "torch.float64"}
        return f"after .to(torch.float64) every parameter and buffer should be float64; not: {wrong}"
    msg = compare(got["out"], ref["out"], **TOL64)
    return f"float64 outputs differ: {msg}" if msg else None


@probe(judge=_float64_judge)
def float64(m):
    "strict load, then .to(torch.float64), a float64 batch of 3 sequences of length 4"
    g = _gen(5)
    model = _loaded(m, g, 3, 4, 6).to(torch.float64)
    tensors = dict(model.named_parameters())
    tensors.update(model.named_buffers())
    x = _x(g, 3, 4, 3, torch.float64)
    with torch.no_grad():
        out = model(x)
    return {"dtypes": {k: str(v.dtype) for k, v in sorted(tensors.items())}, "out": out}
