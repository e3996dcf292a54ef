"""Probes for dcgan_step. The models' layout is fixed by the statement, so every value probe
builds a state_dict itself (seeded, for the keys and shapes the statement lists), loads it with
strict=True and compares what comes out with the reference's observation: G's images, running
statistics and gradients, D's logits and gradients, and for gan_step the returned floats, the
gradients at the moment each optimizer steps (hooks on the probe's own optimizers) and both
models' parameters afterwards."""

import math

import torch

from torchdojo.probes import compare, probe

Z, CH = 16, 8
TOL = {"rtol": 1e-4, "atol": 1e-5}


def _g_spec(z_dim: int, ch: int) -> dict[str, tuple[int, ...]]:
    spec = {"fc.weight": (2 * ch * 49, z_dim)}
    for bn, c in (("bn0", 2 * ch), ("bn1", ch)):
        spec |= {f"{bn}.weight": (c,), f"{bn}.bias": (c,), f"{bn}.running_mean": (c,),
                 f"{bn}.running_var": (c,), f"{bn}.num_batches_tracked": ()}
    spec |= {"up1.weight": (2 * ch, ch, 4, 4), "up2.weight": (ch, 1, 4, 4), "up2.bias": (1,)}
    return spec


def _d_spec(ch: int) -> dict[str, tuple[int, ...]]:
    return {"conv1.weight": (ch, 1, 4, 4), "conv1.bias": (ch,), "conv2.weight": (2 * ch, ch, 4, 4),
            "conv2.bias": (2 * ch,), "fc.weight": (1, 2 * ch * 49), "fc.bias": (1,)}


def _state(spec: dict[str, tuple[int, ...]], seed: int, gain: float = 1.0) -> dict:
    """Seeded weights for ``spec``: fan-in scaled, BatchNorm affine near (1, 0), running var > 0."""
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in spec.items():
        if key.endswith("num_batches_tracked"):
            sd[key] = torch.tensor(3)
        elif key.endswith("running_var"):
            sd[key] = torch.rand(shape, generator=g) + 0.5
        elif key.endswith("running_mean"):
            sd[key] = torch.randn(shape, generator=g) * 0.3
        elif key.startswith("bn") and key.endswith(".weight"):
            sd[key] = 1 + 0.2 * torch.randn(shape, generator=g)
        elif key.endswith("bias"):
            sd[key] = 0.1 * torch.randn(shape, generator=g)
        else:  # conv / linear weights: variance ~ gain^2 / fan-in
            fan_in = shape[1] * 16 if key.startswith("conv") else (
                shape[0] * 4 if key.startswith("up") else shape[1])
            sd[key] = torch.randn(shape, generator=g) * gain / math.sqrt(fan_in)
    return sd


def _models(m, g_seed: int = 1, d_seed: int = 2, d_gain: float = 1.0):
    G, D = m.Generator(Z, CH), m.Discriminator(CH)
    G.load_state_dict(_state(_g_spec(Z, CH), g_seed), strict=True)
    D.load_state_dict(_state(_d_spec(CH), d_seed, d_gain), strict=True)
    return G.train(), D.train()


def _grads(model) -> dict:
    return {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}


def _params(model) -> dict:
    return {n: p.detach().clone() for n, p in model.named_parameters()}


def _buffers(model) -> dict:
    return {n: b.clone() for n, b in model.named_buffers()}


# ---------------------------------------------------------------- structure and shapes

def _layout(model) -> dict:
    return {"state": {k: tuple(v.shape) for k, v in model.state_dict().items()},
            "params": sorted(n for n, _ in model.named_parameters())}


def _layout_judge(got, ref):
    for name in ref:
        g, r = got[name]["state"], ref[name]["state"]
        missing, extra = sorted(set(r) - set(g)), sorted(set(g) - set(r))
        if missing or extra:
            return (f"{name}: state_dict keys differ from the statement's; missing "
                    f"{missing[:4]}, unexpected {extra[:4]}")
        for k in r:
            if g[k] != r[k]:
                return f"{name}: {k} has shape {g[k]}, expected {r[k]}"
        if got[name]["params"] != ref[name]["params"]:
            extra = sorted(set(got[name]["params"]) - set(ref[name]["params"]))
            missing = sorted(set(ref[name]["params"]) - set(got[name]["params"]))
            return (f"{name}: parameters() should hold the weights and biases only (running "
                    f"statistics are buffers); extra {extra[:3]}, missing {missing[:3]}")
    return None


@probe(public=True, judge=_layout_judge)
def state_dict_layout(m):
    "state_dict keys and shapes of Generator(16, 8), Discriminator(8), Generator(10, 4), Discriminator(4); which are parameters"
    return {"Generator(16, 8)": _layout(m.Generator(16, 8)),
            "Discriminator(8)": _layout(m.Discriminator(8)),
            "Generator(10, 4)": _layout(m.Generator(10, 4)),
            "Discriminator(4)": _layout(m.Discriminator(4))}


@probe(public=True)
def output_shapes(m):
    "output shapes of G and D for batch sizes 1 and 5, train and eval mode"
    G, D = m.Generator(Z, CH), m.Discriminator(CH)
    g, out = torch.Generator().manual_seed(5), {}
    with torch.no_grad():
        for mode in ("train", "eval"):
            G.train(mode == "train")
            D.train(mode == "train")
            for b in (1, 5):
                out[f"G {mode} batch {b}"] = tuple(G(torch.randn(b, Z, generator=g)).shape)
                x = torch.rand(b, 1, 28, 28, generator=g) * 2 - 1
                out[f"D {mode} batch {b}"] = tuple(D(x).shape)
    return out


# ---------------------------------------------------------------- forward with loaded weights

def _forward_judge(messages: dict[str, str]):
    def judge(got, ref):
        for key, text in messages.items():
            msg = compare(got[key], ref[key], **TOL)
            if msg:
                return f"{text}: {msg}"
        return None

    return judge


def _g_judge(got, ref):
    for key in ("train_out", "eval_out"):
        out = got[key]
        if isinstance(out, torch.Tensor) and out.is_floating_point() and out.numel() and \
                bool((out.abs() > 1).any()):
            return f"G's output has values up to {float(out.abs().max()):.3g}; it must lie in [-1, 1]"
    return _forward_judge({
        "train_out": "G's images (train mode, loaded weights)",
        "buffers": "G's BatchNorm running statistics after one train-mode forward",
        "grads": "G's parameter gradients",
        "eval_out": "G's images in eval mode (running statistics)",
    })(got, ref)


@probe(judge=_g_judge)
def generator_loaded(m):
    "G with loaded weights: images in [-1, 1] (train and eval mode, batch 5 and 1), running statistics, gradients"
    G, _ = _models(m)
    g = torch.Generator().manual_seed(11)  # inputs from their own stream, not the global one
    out = G(torch.randn(5, Z, generator=g))
    (out * torch.randn(out.shape, generator=g)).sum().backward()
    obs = {"train_out": out.detach().clone(), "buffers": _buffers(G), "grads": _grads(G)}
    G.eval()
    with torch.no_grad():
        obs["eval_out"] = G(torch.randn(1, Z, generator=g))
    return obs


def _d_judge(got, ref):
    out = got["logits"]
    if isinstance(out, torch.Tensor) and out.is_floating_point() and out.numel() and \
            bool(((out >= 0) & (out <= 1)).all()) and not bool(((ref["logits"] >= 0)
                                                                 & (ref["logits"] <= 1)).all()):
        return ("D's outputs all lie in [0, 1] although large weights were loaded: D must return "
                "raw logits, without a sigmoid")
    return _forward_judge({"logits": "D's logits (loaded weights)",
                           "grads": "D's parameter gradients"})(got, ref)


@probe(judge=_d_judge)
def discriminator_logits(m):
    "D with large loaded weights returns raw logits (values outside [0, 1]) and the right gradients"
    _, D = _models(m, d_gain=4.0)
    g = torch.Generator().manual_seed(12)
    logits = D(torch.rand(6, 1, 28, 28, generator=g) * 2 - 1)
    (logits * torch.randn(logits.shape, generator=g)).sum().backward()
    return {"logits": logits.detach().clone(), "grads": _grads(D)}


# ---------------------------------------------------------------- the training step

def _hooked(G, D, opt_g, opt_d) -> dict:
    """Record the gradients each optimizer sees when its step() runs."""
    seen = {"d_steps": 0, "g_steps": 0}

    def at_d_step(opt, args, kwargs):
        seen["d_steps"] += 1
        seen.setdefault("d_grads", _grads(D))
        seen.setdefault("g_grads_at_d_step", _grads(G))

    def at_g_step(opt, args, kwargs):
        seen["g_steps"] += 1
        seen.setdefault("g_grads", _grads(G))

    opt_d.register_step_pre_hook(at_d_step)
    opt_g.register_step_pre_hook(at_g_step)
    return seen


def _is_result(x) -> bool:
    return type(x) is tuple and len(x) == 2 and all(type(v) is float for v in x)


def _result_msg(x) -> str | None:
    if _is_result(x):
        return None
    if type(x) is tuple and len(x) == 2:
        kinds = ", ".join(type(v).__name__ for v in x)
        return f"gan_step must return a tuple of two Python floats, got a tuple of ({kinds})"
    return f"gan_step must return a tuple of two Python floats, got {type(x).__name__}"


def _step_judge(got, ref):
    msg = _result_msg(got["result"])
    if msg:
        return msg
    if got["d_steps"] != 1 or got["g_steps"] != 1:
        return (f"opt_d.step() ran {got['d_steps']} time(s) and opt_g.step() "
                f"{got['g_steps']} time(s); each must run exactly once per gan_step")
    polluted = [n for n, gr in got["g_grads_at_d_step"].items()
                if isinstance(gr, torch.Tensor) and bool((gr != 0).any())]
    if polluted:
        return (f"when opt_d.step() ran, G's parameters already had gradients ({polluted[0]}, "
                "...): the discriminator's loss reached G; detach the fake batch for the D step")
    checks = [
        ("d_grads", "D's gradient when opt_d.step() runs (both the real and the fake half count)"),
        ("d_params", "D's parameters after the step"),
        ("result", "the returned (d_loss, g_loss)"),
        ("g_grads", "G's gradient when opt_g.step() runs"),
        ("g_params", "G's parameters after the step"),
        ("g_buffers", "G's BatchNorm buffers after the step (G runs once per step)"),
        ("modes", "the models' train/eval mode after the step"),
    ]
    for key, text in checks:
        why = compare(got[key], ref[key], **TOL)
        if why:
            return f"{text}: {why}"
    return None


@probe(public=True, judge=_step_judge)
def one_step_sgd(m):
    "one gan_step, loaded weights, SGD(lr=0.1), batch 6: losses, gradients at each optimizer step, parameters and buffers after"
    G, D = _models(m)
    real = torch.tanh(torch.randn(6, 1, 28, 28, generator=torch.Generator().manual_seed(13)))
    opt_g = torch.optim.SGD(G.parameters(), lr=0.1)
    opt_d = torch.optim.SGD(D.parameters(), lr=0.1)
    seen = _hooked(G, D, opt_g, opt_d)
    result = m.gan_step(G, D, real, opt_g, opt_d, Z, torch.Generator().manual_seed(123))
    return {"result": result, **seen, "d_params": _params(D), "g_params": _params(G),
            "g_buffers": _buffers(G), "modes": (G.training, D.training)}


def _steps_judge(got, ref):
    for i, r in enumerate(got["results"]):
        msg = _result_msg(r)
        if msg:
            return f"step {i + 1}: {msg}"
        if not all(math.isfinite(v) for v in r):
            return f"step {i + 1}: the losses are not finite: {r}"
    for key, text in (("results", "the losses of successive steps"),
                      ("d_params", "D's parameters after the steps"),
                      ("g_params", "G's parameters after the steps")):
        why = compare(got[key], ref[key], rtol=1e-3, atol=1e-5)
        if why:
            return f"{text}: {why}"
    return None


@probe(judge=_steps_judge)
def adam_steps(m):
    "four gan_steps with Adam (batch 8, 8, 1, 1), one torch.Generator: finite losses equal to the reference's, parameters after"
    G, D = _models(m, g_seed=3, d_seed=4)
    opt_g = torch.optim.Adam(G.parameters(), lr=1e-2, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999))
    gen, data = torch.Generator().manual_seed(7), torch.Generator().manual_seed(14)
    results = []
    for b in (8, 8, 1, 1):
        real = torch.tanh(2 * torch.randn(b, 1, 28, 28, generator=data))
        results.append(m.gan_step(G, D, real, opt_g, opt_d, Z, gen))
    return {"results": results, "d_params": _params(D), "g_params": _params(G)}
