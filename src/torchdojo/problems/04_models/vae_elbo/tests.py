"""Probes for vae_elbo: the fixed layers (state_dict keys and shapes), encode/decode/forward from
weights the probe loads, reparameterize under a seeded global RNG (values, gradients to mu and
logvar, the mean in eval mode), vae_loss values (split into its two terms, huge logits and
extreme log-variances included), gradients of the whole loss, and a short training run on the
real 8x8 digits."""

import math

import torch

from torchdojo.probes import compare, probe


def _spec(d: int, h: int, k: int) -> list[tuple[str, tuple[int, ...]]]:
    return [("encoder.0.weight", (h, d)), ("encoder.0.bias", (h,)),
            ("fc_mu.weight", (k, h)), ("fc_mu.bias", (k,)),
            ("fc_logvar.weight", (k, h)), ("fc_logvar.bias", (k,)),
            ("decoder.0.weight", (h, k)), ("decoder.0.bias", (h,)),
            ("decoder.2.weight", (d, h)), ("decoder.2.bias", (d,))]


def _loaded(m, d: int, h: int, k: int, seed: int):
    """The learner's VAE with seeded weights of the fixed shapes (strict load)."""
    model = m.VAE(d, h, k)
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for key, shape in _spec(d, h, k):
        scale = 1 / math.sqrt(shape[1]) if len(shape) == 2 else 0.1
        sd[key] = torch.randn(shape, generator=g) * scale
    model.load_state_dict(sd, strict=True)
    return model


def _first_failure(messages: dict[str, str], rtol: float, atol: float):
    """A judge comparing key by key; the first key that differs explains itself."""

    def judge(got, ref):
        if not isinstance(got, dict):
            return f"expected a dict of observations, got {type(got).__name__}"
        for key, text in messages.items():
            if key in ref:
                msg = compare(got.get(key), ref[key], rtol=rtol, atol=atol, path=key)
                if msg:
                    return f"{text}: {msg}"
        return None

    return judge


@probe(public=True)
def structure(m):
    "state_dict keys and shapes; encode returns a tuple of 2, forward a tuple of 3, with their shapes"
    obs = {}
    for d, h, k in [(64, 32, 4), (10, 7, 3)]:
        model = m.VAE(d, h, k)
        obs[f"keys_{d}_{h}_{k}"] = [[n, list(v.shape)] for n, v in model.state_dict().items()]
    model = m.VAE(64, 32, 4)
    with torch.no_grad():
        enc = model.encode(torch.rand(5, 64))
        out = model(torch.rand(1, 64))
    obs["encode"] = [type(enc).__name__, len(enc), [list(t.shape) for t in enc]]
    obs["forward"] = [type(out).__name__, len(out), [list(t.shape) for t in out]]
    return obs


_VALUES = {
    "mu": "encode(x)[0] (mu) is wrong",
    "logvar": "encode(x)[1] (logvar) is wrong",
    "decode": "decode(z) is wrong: it must return logits (no Sigmoid)",
    "eval_forward": "forward(x) in eval mode must be (decode(mu), mu, logvar)",
}


@probe(public=True, judge=_first_failure(_VALUES, rtol=1e-5, atol=1e-6))
def encode_decode(m):
    "weights loaded with strict=True: encode(x) -> (mu, logvar), decode(z) logits, forward in eval mode"
    model = _loaded(m, 64, 32, 4, seed=1)
    x = torch.rand(5, 64)
    z = torch.randn(3, 4) * 2
    with torch.no_grad():
        mu, logvar = model.encode(x)
        decoded = model.decode(z)
        model.eval()
        out = model(x)
    return {"mu": mu, "logvar": logvar, "decode": decoded, "eval_forward": list(out)}


_REPARAM = {
    "z": "reparameterize(mu, logvar) in train mode: mu + exp(0.5 * logvar) * torch.randn_like(mu)",
    "z_again": "a second call draws fresh noise (one randn_like of shape (B, latent) per call)",
    "grad_mu": "the gradient reaching mu through z is wrong",
    "grad_logvar": "the gradient reaching logvar through z is wrong",
}


@probe(judge=_first_failure(_REPARAM, rtol=1e-5, atol=1e-6))
def reparameterize_train(m):
    "train mode, torch.manual_seed(123): z for mu, logvar of shape (6, 4), a second draw, gradients to mu and logvar"
    model = m.VAE(8, 5, 4).train()
    mu = (torch.randn(6, 4) * 2).requires_grad_()
    logvar = (torch.randn(6, 4) * 1.5).requires_grad_()
    w = torch.randn(6, 4)
    torch.manual_seed(123)
    z = model.reparameterize(mu, logvar)
    z_again = model.reparameterize(mu, logvar)
    (z * w).sum().backward()
    return {"z": z.detach(), "z_again": z_again.detach(), "grad_mu": mu.grad,
            "grad_logvar": logvar.grad}


_EVAL = {
    "z": "in eval mode reparameterize returns mu (no sampling)",
    "forward_twice": "in eval mode forward is deterministic: (decode(mu), mu, logvar)",
}


@probe(judge=_first_failure(_EVAL, rtol=1e-5, atol=1e-6))
def eval_mode(m):
    "eval mode: reparameterize returns mu; two forward passes give the same logits"
    model = _loaded(m, 12, 6, 3, seed=2).eval()
    mu, logvar = torch.randn(4, 3), torch.randn(4, 3)
    x = torch.rand(4, 12)
    with torch.no_grad():
        z = model.reparameterize(mu, logvar)
        a = model(x)[0]
        b = model(x)[0]
    return {"z": z, "forward_twice": [a, b]}


def _binary(shape, g) -> torch.Tensor:
    return (torch.rand(shape, generator=g) < 0.4).float()


_LOSS = {
    "type": "vae_loss must return a 0-d tensor",
    "recon_only": "the reconstruction term is wrong (mu = 0, logvar = 0, so the KL is 0): "
                  "BCE with logits, summed over features, averaged over the batch",
    "kl_only": "the KL term is wrong (the logits match x exactly, so the BCE is 0): KL to N(0, I) "
               "summed over latent dimensions, averaged over the batch",
    "both": "the sum of the two terms is wrong",
    "saturated": "huge logits (+-300) that disagree with x: the loss must stay exact",
    "extreme_logvar": "logvar of +-30: the loss must be finite and exact",
}


@probe(public=True, judge=_first_failure(_LOSS, rtol=1e-5, atol=1e-4))
def loss_values(m):
    "vae_loss on seeded inputs: reconstruction term alone, KL term alone, both, huge logits, extreme logvar"
    g = torch.Generator().manual_seed(5)
    b, d, k = 6, 20, 3
    logits = torch.randn(b, d, generator=g) * 3
    x = _binary((b, d), g)
    soft = torch.rand(b, d, generator=g)
    mu = torch.randn(b, k, generator=g)
    logvar = torch.randn(b, k, generator=g)
    zeros = torch.zeros(b, k)
    exact = torch.where(x > 0.5, 1e4, -1e4)  # BCE is exactly 0 here
    wrong = torch.where(x > 0.5, -300.0, 300.0)
    big_lv = torch.where(torch.rand(b, k, generator=g) < 0.5, -30.0, 30.0)
    both = m.vae_loss(logits, soft, mu, logvar)
    return {
        "type": [type(both).__name__, list(both.shape)],
        "recon_only": m.vae_loss(logits, soft, zeros, zeros),
        "kl_only": m.vae_loss(exact, x, mu, logvar),
        "both": both,
        "saturated": m.vae_loss(wrong, x, mu * 0.1, logvar * 0.1),
        "extreme_logvar": m.vae_loss(logits, x, mu * 5, big_lv),
    }


_GRADS = {
    "loss": "the loss of a training-mode forward pass (torch.manual_seed(3)) is wrong",
    "grads": "the parameters' gradients after loss.backward() are wrong",
    "after_sgd": "the parameters after one SGD step are wrong",
}


@probe(judge=_first_failure(_GRADS, rtol=1e-4, atol=1e-6))
def loss_gradients(m):
    "train mode, loaded weights, torch.manual_seed(3): vae_loss(*model(x)...), every parameter's gradient, one SGD step"
    model = _loaded(m, 16, 10, 3, seed=4).train()
    x = torch.rand(7, 16)
    torch.manual_seed(3)
    x_logits, mu, logvar = model(x)
    loss = m.vae_loss(x_logits, x, mu, logvar)
    model.zero_grad()
    loss.backward()
    grads = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {"loss": loss.detach(), "grads": grads,
            "after_sgd": {n: p.detach().clone() for n, p in model.named_parameters()}}


def _bce_sum(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Per-example Bernoulli negative log-likelihood from logits, without the learner's code."""
    return (logits.clamp(min=0) - logits * x + torch.log1p(torch.exp(-logits.abs()))).sum(-1)


def _train_judge(got, ref):
    if not isinstance(got, dict):
        return f"expected a dict of observations, got {type(got).__name__}"
    losses, want = got["losses"], ref["losses"]
    if type(losses) is not list or len(losses) != len(want) or any(
            type(v) is not float for v in losses):
        return f"could not read {len(want)} training losses"
    for i, (a, b) in enumerate(zip(losses, want, strict=True)):
        if not abs(a - b) <= 1e-3 * abs(b) + 1e-4:
            return (f"training on digits: the loss at step {i} is {a:.5g}, expected {b:.5g} (the "
                    "first steps agree only if forward, reparameterize and vae_loss all do)")
    if not losses[-1] < 0.75 * losses[0]:
        return f"the loss fell from {losses[0]:.4g} to {losses[-1]:.4g}; expected a 25% drop"
    rec, base = got["heldout_recon"], ref["heldout_mean_image"]
    if not isinstance(rec, float) or not rec < base - 3.0:
        return (f"held-out reconstruction (eval mode, z = mu) costs {rec} nats per digit; the "
                f"mean image costs {base:.4g}: expected clearly less")
    return None


@probe(judge=_train_judge)
def train_digits(m):
    "100 full-batch Adam steps (lr=2e-2, torch.manual_seed(0)) on 1000 real digits: the losses, and held-out reconstruction in eval mode"
    from torchdojo.datagen.digits import load_digits

    images, _ = load_digits()
    x = torch.from_numpy(images).reshape(-1, 64) / 16.0  # pixels in [0, 1]
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    train, test = x[perm[:1000]], x[perm[1000:1400]]
    model = _loaded(m, 64, 32, 4, seed=6).train()
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    torch.manual_seed(0)
    losses = []
    for _ in range(100):
        x_logits, mu, logvar = model(train)
        loss = m.vae_loss(x_logits, train, mu, logvar)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        rec = _bce_sum(model(test)[0], test).mean()
        p = train.mean(0).clamp(1e-4, 1 - 1e-4)
        base = _bce_sum(torch.log(p / (1 - p)).expand_as(test), test).mean()
    return {"losses": losses, "heldout_recon": float(rec), "heldout_mean_image": float(base)}
