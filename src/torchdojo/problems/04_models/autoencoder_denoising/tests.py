"""Probes for autoencoder_denoising: the fixed layers (state_dict keys and shapes), outputs,
gradients and an SGD step from weights the probe loads, flattening of image batches (also
non-contiguous ones), and full-batch denoising training on the real 8x8 digits, compared with the
reference loss by loss and judged on held-out digits."""

import math

import torch

from torchdojo.probes import compare, probe


def _spec(input_dim: int, code_dim: int, hidden: int) -> list[tuple[str, tuple[int, ...]]]:
    """The state_dict the statement fixes."""
    return [("encoder.0.weight", (hidden, input_dim)), ("encoder.0.bias", (hidden,)),
            ("encoder.2.weight", (code_dim, hidden)), ("encoder.2.bias", (code_dim,)),
            ("decoder.0.weight", (hidden, code_dim)), ("decoder.0.bias", (hidden,)),
            ("decoder.2.weight", (input_dim, hidden)), ("decoder.2.bias", (input_dim,))]


def _loaded(m, input_dim: int, code_dim: int, hidden: int, seed: int, **kw):
    """The learner's model with seeded weights of the fixed shapes (strict: a wrong structure
    fails here, loudly)."""
    model = m.AutoEncoder(input_dim, code_dim, hidden=hidden, **kw)
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in _spec(input_dim, code_dim, hidden):
        scale = 1 / math.sqrt(shape[1]) if len(shape) == 2 else 0.1
        sd[key] = torch.randn(shape, generator=g) * scale
    model.load_state_dict(sd, strict=True)
    return model


def _observe(model, x: torch.Tensor, seed: int) -> dict:
    """Code, decode, forward, every parameter's gradient of a seeded loss, one SGD step."""
    code = model.encode(x)
    decoded = model.decode(code.detach())
    out = model(x)
    w = torch.randn(out.shape, generator=torch.Generator().manual_seed(seed))
    model.zero_grad()
    (out * w).sum().backward()
    grads = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {"code": code.detach(), "decode": decoded.detach(), "forward": out.detach(),
            "grads": grads,
            "after_sgd": {n: p.detach().clone() for n, p in model.named_parameters()}}


_MESSAGES = {
    "code": "encode(x) is wrong (encoder layers, nonlinearity or flattening)",
    "decode": "decode(z) is wrong (decoder layers, nonlinearity or output activation)",
    "forward": "forward(x) is wrong",
    "grads": "the parameters' gradients after backward are wrong",
    "after_sgd": "the parameters after one SGD step are wrong",
}


def _values_judge(got, ref):
    if not isinstance(got, dict):
        return f"expected a dict of observations, got {type(got).__name__}"
    for key, text in _MESSAGES.items():
        if key not in ref:
            continue
        msg = compare(got.get(key), ref[key], rtol=1e-5, atol=1e-6, path=key)
        if msg:
            return f"{text}: {msg}"
    return None


@probe(public=True)
def structure(m):
    "state_dict keys and shapes (defaults, hidden=16, sigmoid_output=False); code and output shapes"
    obs = {}
    for name, args, kw in [("default", (64, 8), {}), ("hidden16", (64, 8), {"hidden": 16}),
                           ("linear_out", (48, 5), {"hidden": 20, "sigmoid_output": False})]:
        model = m.AutoEncoder(*args, **kw)
        obs[name] = [[k, list(v.shape)] for k, v in model.state_dict().items()]
    model = m.AutoEncoder(64, 8)
    with torch.no_grad():
        for b in (5, 1):
            x = torch.rand(b, 64)
            obs[f"encode_{b}"] = list(model.encode(x).shape)
            obs[f"forward_{b}"] = list(model(x).shape)
            obs[f"decode_{b}"] = list(model.decode(torch.randn(b, 8)).shape)
        img = torch.rand(3, 1, 8, 8)
        obs["encode_img"] = list(model.encode(img).shape)
        obs["forward_img"] = list(model(img).shape)
    return obs


@probe(public=True, judge=_values_judge)
def loaded_weights(m):
    "weights loaded with strict=True, x in [0, 1] of shape (6, 64): code, decode, forward, gradients, one SGD step"
    model = _loaded(m, 64, 8, 32, seed=1)
    return _observe(model, torch.rand(6, 64), seed=2)


@probe(judge=_values_judge)
def other_sizes(m):
    "AutoEncoder(40, 3, hidden=16) with loaded weights, a batch of 1 and a batch of 9"
    model = _loaded(m, 40, 3, 16, seed=3)
    obs = _observe(model, torch.rand(9, 40), seed=4)
    with torch.no_grad():
        obs["forward"] = [obs["forward"], model(torch.rand(1, 40))]
    return obs


@probe(judge=_values_judge)
def linear_output(m):
    "sigmoid_output=False on torch.randn data: the reconstruction is unbounded (it can be negative)"
    model = _loaded(m, 20, 4, 12, seed=5, sigmoid_output=False)
    return _observe(model, torch.randn(7, 20) * 2, seed=6)


@probe(judge=_values_judge)
def image_batches(m):
    "image batches (3, 1, 8, 8), (1, 1, 8, 8), a transposed (2, 1, 8, 8) view and a channels_last (4, 4, 4, 4): output shape and values"
    model = _loaded(m, 64, 8, 32, seed=7)
    xs = [torch.rand(3, 1, 8, 8), torch.rand(1, 1, 8, 8),
          torch.rand(2, 1, 8, 8).transpose(2, 3),
          torch.rand(4, 4, 4, 4).contiguous(memory_format=torch.channels_last)]
    with torch.no_grad():
        return {"code": [model.encode(x) for x in xs], "forward": [model(x) for x in xs]}


def _digits(n_train: int, n_test: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Real 8x8 digits scaled to [0, 1], flattened, in a fixed shuffled order."""
    from torchdojo.datagen.digits import load_digits

    images, _ = load_digits()
    x = torch.from_numpy(images).reshape(-1, 64) / 16.0  # (1797, 64)
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    return x[perm[:n_train]], x[perm[n_train:n_train + n_test]]


def _mse(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(((a.double() - b.double()) ** 2).mean())


def _losses_msg(got, ref) -> str | None:
    losses = got["losses"]
    if type(losses) is not list:
        return f"train_denoising must return a list of Python floats, got {type(losses).__name__}"
    bad = [type(v).__name__ for v in losses if type(v) is not float]
    if bad:
        return f"train_denoising must return Python floats (loss.item()), got a {bad[0]}"
    want = ref["losses"]
    if len(losses) != len(want):
        return f"expected {len(want)} losses (one per epoch), got {len(losses)}"
    for e, (a, b) in enumerate(zip(losses, want, strict=True)):
        if not abs(a - b) <= 1e-6 + 1e-3 * abs(b):
            where = ("the first loss, before any step (the noise, the target or the loss)"
                     if e == 0 else f"epoch {e} (the first {e} agree: the noise drawn each epoch, "
                     "the optimizer or its learning rate)")
            return f"the losses differ from {where}: expected {b:.6g}, got {a:.6g}"
    msg = compare(got["clean_after"], ref["clean_after"], rtol=0, atol=0)
    if msg:
        return f"train_denoising modified `clean` in place ({msg})"
    return None


def _train_judge(got, ref):
    if not isinstance(got, dict):
        return f"expected a dict of observations, got {type(got).__name__}"
    msg = _losses_msg(got, ref)
    if msg or "recon_clean" not in ref:
        return msg
    test, noisy = ref["test"], ref["test_noisy"]
    for key in ("recon_clean", "recon_noisy"):
        r = got[key]
        if not isinstance(r, torch.Tensor) or tuple(r.shape) != tuple(test.shape):
            return f"the trained model's {key} should be a tensor of shape {tuple(test.shape)}"
    base = _mse(ref["train_mean"].expand_as(test), test)
    rec = _mse(got["recon_clean"], test)
    if not rec < 0.5 * base:
        return (f"held-out reconstruction MSE {rec:.4f} is not below half of the "
                f"predict-the-mean-image baseline {base:.4f}")
    before, after = _mse(noisy, test), _mse(got["recon_noisy"], test)
    if not after < 0.5 * before:
        return (f"denoising held-out digits: MSE to the clean digits {after:.4f}, the noisy input "
                f"had {before:.4f}; expected less than half")
    return None


@probe(judge=_train_judge)
def train_digits(m):
    "train_denoising on 1000 real digits (noise_std=0.3, 150 epochs, lr=2e-2): losses, clean unchanged, held-out reconstruction and denoising"
    train, test = _digits(1000, 400)
    model = _loaded(m, 64, 8, 32, seed=11)
    clean = train.clone()
    losses = m.train_denoising(model, clean, noise_std=0.3, epochs=150, lr=2e-2, seed=1)
    test_noisy = test + 0.3 * torch.randn(test.shape, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        recon_clean, recon_noisy = model(test), model(test_noisy)
    return {"losses": losses, "clean_after": clean, "recon_clean": recon_clean,
            "recon_noisy": recon_noisy, "test": test, "test_noisy": test_noisy,
            "train_mean": train.mean(0)}


@probe(judge=_train_judge)
def train_images(m):
    "train_denoising on 500 digits as (N, 1, 8, 8) images (noise_std=0.5, 40 epochs, lr=1e-2, seed=7): losses, clean unchanged"
    train, _ = _digits(500, 0)
    model = _loaded(m, 64, 8, 32, seed=12)
    clean = train.reshape(-1, 1, 8, 8).clone()
    losses = m.train_denoising(model, clean, noise_std=0.5, epochs=40, lr=1e-2, seed=7)
    return {"losses": losses, "clean_after": clean}
