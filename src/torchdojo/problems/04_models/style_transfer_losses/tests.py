"""Probes for style_transfer_losses: gram_matrix values (batch of 1, batches, odd and size-1
sizes, non-contiguous input, gradient), content_loss and style_loss values and gradients, and
style_transfer with a small seeded conv extractor built here (no VGG, no downloads): the
returned image against the reference's, its type, shape and detachment, the content image and
the network untouched (values, .grad, requires_grad flags), the number of extractor calls, and
the total loss falling."""

import torch
import torch.nn.functional as F
from torch import nn

from torchdojo.probes import compare, probe


def _feats(*shape: int, seed: int, requires_grad: bool = False) -> torch.Tensor:
    x = torch.randn(shape, generator=torch.Generator().manual_seed(seed)) * 2
    return x.requires_grad_(requires_grad)


@probe(public=True, rtol=1e-5, atol=1e-6)
def gram_single(m):
    "gram_matrix of a (1, 4, 5, 6) feature map: shape (1, 4, 4), normalised by C * H * W"
    return m.gram_matrix(_feats(1, 4, 5, 6, seed=1))


@probe(rtol=1e-5, atol=1e-6)
def gram_batches(m):
    "gram_matrix of batches (2, 3, 4, 4) and (3, 5, 7, 1): one Gram matrix per image"
    return [m.gram_matrix(_feats(2, 3, 4, 4, seed=2)), m.gram_matrix(_feats(3, 5, 7, 1, seed=3))]


@probe(rtol=1e-5, atol=1e-6)
def gram_noncontiguous(m):
    "gram_matrix of a channels_last (2, 6, 3, 5) tensor and of an H/W-transposed view"
    a = _feats(2, 6, 3, 5, seed=4).contiguous(memory_format=torch.channels_last)
    b = _feats(2, 3, 5, 4, seed=5).transpose(2, 3)
    return [m.gram_matrix(a), m.gram_matrix(b)]


@probe(rtol=1e-5, atol=1e-6)
def gram_gradient(m):
    "gradient of a weighted sum of gram_matrix((2, 3, 4, 5)) with respect to the features"
    x = _feats(2, 3, 4, 5, seed=6, requires_grad=True)
    w = _feats(2, 3, 3, seed=7)
    (m.gram_matrix(x) * w).sum().backward()
    return x.grad


def _loss_judge(got, ref):
    for key in ("content", "style", "style_grads"):
        msg = compare(got[key], ref[key], rtol=1e-5, atol=1e-7, path=key)
        if msg:
            return msg
    return None


@probe(public=True, judge=_loss_judge)
def loss_values(m):
    "content_loss (MSE) and style_loss (sum over two layers of the Gram MSE): 0-d values and the gradients reaching the features"
    gen = _feats(2, 4, 5, 5, seed=8)
    target = _feats(2, 4, 5, 5, seed=9)
    layers = [_feats(2, 3, 6, 6, seed=10, requires_grad=True),
              _feats(2, 5, 3, 3, seed=11, requires_grad=True)]
    grams = [_feats(2, 3, 3, seed=12) * 0.5, _feats(2, 5, 5, seed=13) * 0.5]
    s = m.style_loss(layers, grams)
    s.backward()
    return {"content": m.content_loss(gen, target), "style": s.detach(),
            "style_grads": [t.grad for t in layers]}


class _Extractor(nn.Module):
    """A small fixed conv net returning named feature maps (seeded random weights: random
    convolutions still capture texture statistics). Counts its calls."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        torch.manual_seed(seed)
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.conv3 = nn.Conv2d(16, 16, 3, padding=1)
        self.calls = 0

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        self.calls += 1
        f1 = torch.relu(self.conv1(x))
        f2 = torch.relu(self.conv2(f1))
        f3 = torch.relu(self.conv3(F.avg_pool2d(f2, 2)))
        return {"relu1": f1, "relu2": f2, "relu3": f3}


def _images(b: int, size: int = 32, style_size: int = 24) -> tuple[torch.Tensor, torch.Tensor]:
    """A content image (colour ramps and a square) and a style image (stripes), in [0, 1]."""
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size),
                            indexing="ij")
    content = torch.stack([xx, yy, (xx + yy) / 2]).repeat(b, 1, 1, 1)
    content[:, :, size // 4:size // 2 + 4, size // 3:size // 3 + 12] = 0.9
    content[1:] = content[1:].flip(-1).clone()
    ys, xs = torch.meshgrid(torch.arange(style_size * 1.0), torch.arange(style_size * 1.0),
                            indexing="ij")
    style = torch.stack([torch.sin(xs * 0.8), torch.cos(ys * 0.5 + xs * 0.3),
                         torch.sin((xs + ys) * 0.4)]) * 0.5 + 0.5
    style = style.repeat(b, 1, 1, 1)
    style[1:] = style[1:].transpose(-1, -2).clone()
    return content, style


def _gram(f: torch.Tensor) -> torch.Tensor:
    b, c, h, w = f.shape
    f = f.reshape(b, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


def _total(ex, img, content, style, cl, sl, sw, cw) -> float:
    """The objective, computed with the probe's own code (not the learner's)."""
    with torch.no_grad():
        fi, fc, fs = ex(img), ex(content), ex(style)
        c = sum(F.mse_loss(fi[n], fc[n]) for n in cl)
        s = sum(F.mse_loss(_gram(fi[n]), _gram(fs[n])) for n in sl)
        return float(cw * c + sw * s)


def _transfer(m, b: int, cl: list[str], sl: list[str], steps: int, sw: float, cw: float,
              lr: float, seed: int, frozen: tuple[str, ...] = ()) -> dict:
    ex = _Extractor(seed)
    for name in frozen:  # parameters the caller had frozen already stay frozen
        getattr(ex, name).requires_grad_(False)
    content, style = _images(b)
    before = {n: p.detach().clone() for n, p in ex.named_parameters()}
    content_in = content.clone()
    out = m.style_transfer(content_in, style, ex, cl, sl, steps, sw, cw, lr)
    calls = ex.calls
    obs = {
        "type": type(out).__name__,
        "requires_grad": bool(getattr(out, "requires_grad", False)),
        "has_grad_fn": getattr(out, "grad_fn", None) is not None,
        "content_after": content_in.detach().clone(),
        "content_requires_grad": content_in.requires_grad,
        "param_grads": [p.grad is not None for p in ex.parameters()],
        "params_after": {n: p.detach().clone() for n, p in ex.named_parameters()},
        "param_flags": {n: p.requires_grad for n, p in ex.named_parameters()},
        "calls": calls,
        "steps": steps,
    }
    if isinstance(out, torch.Tensor):
        obs["image"] = out.detach().clone()
        for p in ex.parameters():
            p.requires_grad_(False)
        ex.load_state_dict(before)
        obs["loss_start"] = _total(ex, content, content, style, cl, sl, sw, cw)
        obs["loss_end"] = _total(ex, out.detach(), content, style, cl, sl, sw, cw)
    return obs


def _transfer_judge(got, ref):
    if got["type"] != "Tensor":
        return f"style_transfer must return a Tensor, got {got['type']}"
    if got["requires_grad"] or got["has_grad_fn"]:
        return "the returned image still requires grad / has a graph: return it detached"
    if got["content_requires_grad"]:
        return "the content image passed in now requires grad: optimise a clone, not `content`"
    msg = compare(got["content_after"], ref["content_after"], rtol=0, atol=0)
    if msg:
        return f"the content image passed in was modified ({msg}): optimise a clone"
    if any(got["param_grads"]):
        return (f"{sum(got['param_grads'])} of the network's parameters have a .grad after "
                "style_transfer: only the image may receive gradients")
    msg = compare(got["params_after"], ref["params_after"], rtol=0, atol=0)
    if msg:
        return f"the network's parameters changed ({msg}): optimise the image, not the network"
    flags = got["param_flags"]
    wrong = [n for n, f in ref["param_flags"].items() if not isinstance(flags, dict)
             or flags.get(n) is not f]
    if wrong:
        n = wrong[0]
        return (f"the network's requires_grad flags were not left as they were: {n} had "
                f"requires_grad={ref['param_flags'][n]} before the call ({len(wrong)} differ)")
    if got["calls"] != ref["calls"]:
        return (f"the extractor was called {got['calls']} times for steps={got['steps']}; "
                f"expected {ref['calls']}: once on content, once on style, once per step")
    msg = compare(got.get("image"), ref["image"], rtol=1e-4, atol=1e-4)
    if msg:
        return f"the returned image differs from the reference's (Adam on the image): {msg}"
    if ref["steps"]:
        # a few steps must lower the objective; a proper run must at least halve it
        factor, want = (0.5, "at least halved") if ref["steps"] >= 10 else (1.0, "lower")
        if not got["loss_end"] < factor * got["loss_start"]:
            return (f"the total loss went from {got['loss_start']:.4g} to "
                    f"{got['loss_end']:.4g} in {ref['steps']} steps; expected it {want}")
    return None


@probe(public=True, judge=_transfer_judge)
def transfer_one_image(m):
    "a (1, 3, 32, 32) content and (1, 3, 24, 24) style image, 30 Adam steps (lr=0.05): image, detached, content and network untouched, loss falls"
    return _transfer(m, 1, ["relu2"], ["relu1", "relu2", "relu3"], steps=30, sw=1e5, cw=1.0,
                     lr=0.05, seed=0)


@probe(judge=_transfer_judge)
def transfer_batch_of_two(m):
    "a batch of two content and two style images, other layers and weights, 20 steps"
    return _transfer(m, 2, ["relu3"], ["relu1", "relu3"], steps=20, sw=3e4, cw=2.0, lr=0.03,
                     seed=1)


@probe(judge=_transfer_judge)
def transfer_few_steps(m):
    "steps=3, two content layers, conv1 frozen by the caller beforehand: three Adam steps, the flags as they were, the loss lower"
    return _transfer(m, 1, ["relu1", "relu2"], ["relu2"], steps=3, sw=1e5, cw=0.5, lr=0.05,
                     seed=2, frozen=("conv1",))


@probe(judge=_transfer_judge)
def transfer_zero_steps(m):
    "steps=0: the content image comes back unchanged, detached, and the extractor runs only for the targets"
    return _transfer(m, 1, ["relu1"], ["relu2"], steps=0, sw=1e5, cw=1.0, lr=0.1, seed=3)
