"""Probes for sinusoidal_positional_encoding: the table's values and dtype for several sizes
(odd widths and max_len = 1 included) and to float32 rounding at large positions; the module
keeps it as a non-persistent buffer (no parameters, empty state_dict) that follows
.to(torch.float64); forward adds the first T rows to every sample of a batch-first input,
leaves the input alone, passes its gradient, raises ValueError past max_len; dropout is off in
eval mode and inverted dropout in train mode."""

import torch

from torchdojo.probes import compare, probe, raised

SMALL = {"rtol": 0.0, "atol": 1e-5}


def _randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def _table_judge(got, ref):
    for key, want in ref.items():
        have = got.get(key)
        if not isinstance(have, torch.Tensor):
            return f"sinusoidal_encoding{key}: expected a tensor, got {type(have).__name__}"
        if tuple(have.shape) != tuple(want.shape):
            return (f"sinusoidal_encoding{key}: shape {tuple(have.shape)}, expected "
                    f"{tuple(want.shape)} (max_len, d_model)")
        if have.dtype != want.dtype:
            return f"sinusoidal_encoding{key}: dtype {have.dtype}, expected {want.dtype}"
        why = compare(have, want, **SMALL)
        if why:
            return f"sinusoidal_encoding{key}: {why}"
    return None


@probe(public=True, judge=_table_judge)
def table_small(m):
    "sinusoidal_encoding(6, 8) and (3, 4): shape, dtype float32 and values"
    return {"(6, 8)": m.sinusoidal_encoding(6, 8), "(3, 4)": m.sinusoidal_encoding(3, 4)}


@probe(judge=_table_judge)
def table_sizes(m):
    "sinusoidal_encoding for (50, 16), (40, 2), (1, 6) (max_len 1), and odd widths (12, 7), (9, 3), (10, 1)"
    sizes = [(50, 16), (40, 2), (1, 6), (12, 7), (9, 3), (10, 1)]
    return {f"({n}, {d})": m.sinusoidal_encoding(n, d) for n, d in sizes}


_LARGE = {(20001, 16): [0, 1, 999, 10000, 15001, 19999, 20000], (10001, 64): [0, 1, 999, 10000]}
_ROWS = {f"({n}, {d})": rows for (n, d), rows in _LARGE.items()}


def _large_judge(got, ref):
    for key, want in ref.items():
        have = got.get(key)
        if not isinstance(have, torch.Tensor) or tuple(have.shape) != tuple(want.shape):
            return f"sinusoidal_encoding{key}: expected a tensor of shape {tuple(want.shape)}"
        why = compare(have, want, rtol=0.0, atol=2e-6, check_dtype=False)
        if why:
            return (f"sinusoidal_encoding{key}, rows {_ROWS[key]}: {why} (the table must be "
                    "exact to float32 rounding at large positions: compute the angles in "
                    "float64, then cast)")
    return None


@probe(judge=_large_judge)
def large_positions(m):
    "sinusoidal_encoding(20001, 16) and (10001, 64): rows up to 20000, within 2e-6"
    return {f"({n}, {d})": m.sinusoidal_encoding(n, d)[torch.tensor(rows)].clone()
            for (n, d), rows in _LARGE.items()}


def _module_judge(got, ref):
    if got["parameters"]:
        return (f"PositionalEncoding has parameters {got['parameters']}: the table is fixed, "
                "register it as a buffer")
    if got["state_dict"]:
        return (f"state_dict() holds {got['state_dict']}; it must be empty "
                "(register_buffer(..., persistent=False))")
    if got["buffers"] != ref["buffers"]:
        return f"buffers {got['buffers']}, expected {ref['buffers']} (name, shape, dtype)"
    if got["buffers64"] != ref["buffers64"]:
        return (f"after .to(torch.float64) the buffers are {got['buffers64']}, expected "
                f"{ref['buffers64']}")
    why = compare(got["pe"], ref["pe"], **SMALL)
    if why:
        return f"the buffer pe: {why}"
    why = compare(got["out64"], ref["out64"], **SMALL)
    if why:
        return f"after .to(torch.float64), a float64 input: {why}"
    return None


@probe(public=True, judge=_module_judge)
def module_buffer(m):
    "PositionalEncoding(8, 10): no parameters, empty state_dict, buffer pe (10, 8); .to(torch.float64) moves it"
    torch.manual_seed(0)
    enc = m.PositionalEncoding(8, 10)
    obs = {"parameters": [n for n, _ in enc.named_parameters()],
           "state_dict": list(enc.state_dict()),
           "buffers": [(n, list(b.shape), str(b.dtype)) for n, b in enc.named_buffers()],
           "pe": next((b.detach().clone() for n, b in enc.named_buffers() if n == "pe"), None)}
    enc = enc.to(torch.float64)
    obs["buffers64"] = [(n, list(b.shape), str(b.dtype)) for n, b in enc.named_buffers()]
    obs["out64"] = enc(_randn(2, 5, 8, seed=1, dtype=torch.float64))
    return obs


def _forward_judge(got, ref):
    for key, want in ref.items():
        have = got.get(key)
        if key.startswith("unchanged"):
            if have is not True:
                return "forward modified its input in place"
            continue
        why = compare(have, want, **SMALL)
        if why:
            return f"{key}: {why}"
    return None


@probe(public=True, judge=_forward_judge)
def forward_values(m):
    "PositionalEncoding(8, 10) on batch-first inputs: B=3, T=10 (= max_len) and B=2, T=4 (first 4 rows)"
    torch.manual_seed(0)
    enc = m.PositionalEncoding(8, 10)
    x, y = _randn(3, 10, 8, seed=2), _randn(2, 4, 8, seed=3)
    before = (x.clone(), y.clone())
    obs = {"x of shape (3, 10, 8)": enc(x), "x of shape (2, 4, 8)": enc(y)}
    obs["unchanged"] = bool(torch.equal(x, before[0]) and torch.equal(y, before[1]))
    return obs


@probe(judge=_forward_judge)
def forward_edges(m):
    "batch 1 with odd d_model (1, 7, 5), sequence length 1 (4, 1, 6), B > T (6, 3, 4), and the input's gradient"
    torch.manual_seed(0)
    obs = {}
    for tag, (b, t, d, n) in {"batch 1": (1, 7, 5, 9), "length 1": (4, 1, 6, 3),
                              "B > T": (6, 3, 4, 50)}.items():
        x = _randn(b, t, d, seed=4 + b).requires_grad_(True)
        out = m.PositionalEncoding(d, n)(x)
        (out * _randn(b, t, d, seed=10 + b)).sum().backward()
        obs[f"{tag}, PositionalEncoding({d}, {n}) on {b}x{t}x{d}"] = out.detach()
        obs[f"{tag}: the gradient with respect to the input"] = x.grad
    return obs


@probe
def too_long(m):
    "T > max_len raises ValueError (T = max_len + 1 and T = 2 * max_len)"
    torch.manual_seed(0)
    enc = m.PositionalEncoding(4, 6)
    return (raised(lambda: enc(torch.zeros(2, 7, 4))), raised(lambda: enc(torch.zeros(1, 12, 4))))


def _dropout_judge(got, ref):
    why = compare(got.get("eval"), ref["eval"], **SMALL)
    if why:
        return f"PositionalEncoding(8, 10, dropout=0.5) in eval mode must not drop: {why}"
    train, want = got.get("train"), ref["eval"]
    if not isinstance(train, torch.Tensor) or train.shape != want.shape:
        return f"train mode: expected a tensor of shape {tuple(want.shape)}"
    dropped = train == 0
    frac = dropped.float().mean().item()
    if not 0.35 <= frac <= 0.65:
        return (f"train mode with dropout=0.5: {frac:.0%} of the outputs are zero, expected "
                "about half")
    why = compare(train[~dropped], 2 * want[~dropped], rtol=1e-5, atol=1e-5)
    if why:
        return f"train mode with dropout=0.5: the kept values are not 2 * (x + pe): {why}"
    return None


@probe(judge=_dropout_judge)
def dropout_modes(m):
    "dropout=0.5: eval mode returns x + pe[:T]; train mode zeroes about half and scales the rest by 2"
    torch.manual_seed(0)
    enc = m.PositionalEncoding(8, 10, dropout=0.5)
    x = _randn(4, 10, 8, seed=20)
    enc.eval()
    obs = {"eval": enc(x)}
    enc.train()
    torch.manual_seed(1)
    obs["train"] = enc(x)
    return obs
