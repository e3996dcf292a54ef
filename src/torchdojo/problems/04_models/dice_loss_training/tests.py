"""Probes for dice_loss_training: dice_loss values on seeded inputs (non-square, absent class,
batch 1, channels_last, several eps), its gradient, near-perfect predictions at large logits;
train_segmenter's losses and parameters after a few steps against a correct loop on the same
seeded model and data, and a small CNN that learns a synthetic segmentation task."""

import math

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _inputs(n: int, c: int, h: int, w: int, seed: int, scale: float = 2.0):
    g = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(n, c, h, w, generator=g)  # (N, C, H, W)
    target = torch.randint(0, c, (n, h, w), generator=g)  # (N, H, W)
    return logits, target


def _loss_obs(loss) -> dict:
    if not isinstance(loss, torch.Tensor):
        return {"type": type(loss).__name__, "value": None}
    return {"type": "Tensor", "value": loss.detach().clone(), "has_grad": loss.requires_grad}


def _value_judge(what: str):
    def judge(got, ref):
        if got["type"] != "Tensor":
            return f"{what}: dice_loss must return a 0-d tensor, got {got['type']}"
        v = got["value"]
        if v.dim() != 0:
            return f"{what}: expected a 0-d tensor (the mean Dice loss), got shape {tuple(v.shape)}"
        if v.dtype != ref["value"].dtype:
            return f"{what}: expected dtype {ref['value'].dtype}, got {v.dtype}"
        if compare(v, ref["value"], rtol=1e-5, atol=1e-6):
            return f"{what}: expected loss {ref['value'].item():.6f}, got {v.item():.6f}"
        if ref.get("has_grad") and not got.get("has_grad"):
            return f"{what}: the loss does not require grad: it must be differentiable"
        return None
    return judge


@probe(public=True, judge=_value_judge("N=2, C=3, 5x7 images"))
def values_non_square(m):
    "dice_loss on seeded logits (2, 3, 5, 7) with a random mask: the value"
    logits, target = _inputs(2, 3, 5, 7, seed=1)
    return _loss_obs(m.dice_loss(logits.requires_grad_(), target))


@probe(judge=_value_judge("C=4, class 3 absent from every mask"))
def absent_class(m):
    "a class that appears in no mask still counts in the mean (C=4, masks use classes 0-2)"
    logits, _ = _inputs(3, 4, 6, 6, seed=2)
    target = torch.randint(0, 3, (3, 6, 6), generator=torch.Generator().manual_seed(3))
    return _loss_obs(m.dice_loss(logits, target))


@probe(judge=_value_judge("a class absent from one sample only"))
def absent_in_one_sample(m):
    "sample 0 has no pixel of class 2, sample 1 has: Dice per sample and class, then the mean"
    logits, target = _inputs(2, 3, 6, 6, seed=4)
    target[0][target[0] == 2] = 0
    return _loss_obs(m.dice_loss(logits, target))


@probe(judge=_value_judge("batch 1, C=2, 4x6"))
def batch_one(m):
    "batch of one image, two classes"
    logits, target = _inputs(1, 2, 4, 6, seed=5)
    return _loss_obs(m.dice_loss(logits, target))


@probe(judge=_value_judge("N=3, C=5, a single row of pixels (1x9)"))
def single_row(m):
    "images one pixel high (H=1)"
    logits, target = _inputs(3, 5, 1, 9, seed=6)
    return _loss_obs(m.dice_loss(logits, target))


@probe(judge=_value_judge("channels_last logits (2, 3, 6, 6)"))
def channels_last(m):
    "logits in channels_last memory format (not contiguous in the NCHW sense)"
    logits, target = _inputs(2, 3, 6, 6, seed=7)
    return _loss_obs(m.dice_loss(logits.to(memory_format=torch.channels_last), target))


def _eps_judge(got, ref):
    for key in ref:
        why = _value_judge(f"eps={key}")(got[key], ref[key])
        if why:
            return why
    return None


@probe(judge=_eps_judge)
def custom_eps(m):
    "eps=1e-3, 0.5 and 10 on inputs with a class absent from the masks"
    logits, _ = _inputs(2, 3, 5, 5, seed=8)
    target = torch.randint(0, 2, (2, 5, 5), generator=torch.Generator().manual_seed(9))
    return {str(eps): _loss_obs(m.dice_loss(logits, target, eps=eps)) for eps in (1e-3, 0.5, 10.0)}


def _grad_judge(got, ref):
    if got["grad"] is None:
        return "logits.grad is None after loss.backward(): the loss is not connected to the logits"
    why = compare(got["grad"], ref["grad"], rtol=1e-7, atol=1e-10)
    return f"wrong gradient with respect to the logits: {why}" if why else _value_judge(
        "float64 logits")(got["loss"], ref["loss"])


@probe(judge=_grad_judge)
def gradient(m):
    "d loss / d logits for float64 logits (2, 3, 4, 5), eps=0.5"
    logits, target = _inputs(2, 3, 4, 5, seed=10)
    logits = logits.double().requires_grad_()
    loss = m.dice_loss(logits, target, eps=0.5)
    obs = _loss_obs(loss)
    if isinstance(loss, torch.Tensor) and loss.requires_grad:
        loss.backward()
    return {"loss": obs, "grad": logits.grad}


def _perfect_judge(got, ref):
    for key in ref:
        g = got[key]
        if g["type"] != "Tensor" or g["value"].dim() != 0:
            return f"{key}: expected a 0-d tensor, got {g['type']}"
        v = g["value"].item()
        if not math.isfinite(v):
            return f"{key}: the loss is {v} for a perfect prediction; it must be finite"
        if abs(v) > 1e-4:
            return f"{key}: a perfect prediction gives loss {v:.6f}, expected close to 0"
    return None


@probe(judge=_perfect_judge)
def perfect_prediction(m):
    "logits +/-50 and +/-1e4 that agree with the mask (one class absent): loss finite and ~0"
    target = torch.randint(0, 3, (2, 5, 6), generator=torch.Generator().manual_seed(11))
    one_hot = torch.zeros(2, 4, 5, 6).scatter_(1, target[:, None], 1.0)  # C=4, class 3 absent
    return {f"logits +/-{s:g}": _loss_obs(m.dice_loss(s * (2 * one_hot - 1), target))
            for s in (50.0, 1e4)}


# ---- train_segmenter ----

def _squares(n: int, h: int, w: int, seed: int):
    """Noise images with one bright (class 1) and one dark (class 2) square each."""
    g = torch.Generator().manual_seed(seed)
    images = 0.5 * torch.randn(n, 1, h, w, generator=g)  # (N, 1, H, W)
    masks = torch.zeros(n, h, w, dtype=torch.long)  # (N, H, W)
    for i in range(n):
        for cls in (1, 2):
            s = int(torch.randint(3, 6, (1,), generator=g))
            r = int(torch.randint(0, h - s + 1, (1,), generator=g))
            c = int(torch.randint(0, w - s + 1, (1,), generator=g))
            masks[i, r:r + s, c:c + s] = cls
    images += 1.5 * ((masks == 1).float() - (masks == 2).float())[:, None]
    return images, masks


def _net(batch_norm: bool = False) -> nn.Module:
    torch.manual_seed(0)
    # no conv bias before batch norm: its gradient is zero up to rounding, which Adam amplifies
    layers = [nn.Conv2d(1, 6, 3, padding=1, bias=not batch_norm)]
    layers += [nn.BatchNorm2d(6)] if batch_norm else []
    layers += [nn.ReLU(), nn.Conv2d(6, 3, 3, padding=1)]
    return nn.Sequential(*layers)


def _train_obs(m, model, images, masks, steps, lr) -> dict:
    losses = m.train_segmenter(model, images, masks, steps, lr)
    kinds = [type(v).__name__ for v in losses] if isinstance(losses, list) else None
    floats = kinds is not None and all(k == "float" for k in kinds)
    return {"type": type(losses).__name__, "kinds": kinds,
            "losses": list(losses) if floats else None,
            "state": {k: v.detach().clone() for k, v in model.state_dict().items()}}


def _list_judge(got, ref):
    if got["type"] != "list":
        return f"train_segmenter must return a list, got {got['type']}"
    if len(got["kinds"]) != len(ref["kinds"]):
        return f"expected {len(ref['kinds'])} losses (one per step), got {len(got['kinds'])}"
    bad = [k for k in got["kinds"] if k != "float"]
    if bad:
        return (f"the losses must be Python floats (loss.item()), got {bad[0]}: a list of "
                "tensors keeps every step's graph alive")
    return None


def _train_judge(got, ref):
    why = _list_judge(got, ref)
    if why:
        return why
    why = compare(got["losses"], ref["losses"], rtol=1e-4, atol=1e-6, path="losses")
    if why:
        return ("the losses differ from a correct loop's (Adam, zero_grad, CE + Dice, loss "
                f"before the update): {why}")
    why = compare(got["state"], ref["state"], rtol=1e-3, atol=1e-5, path="state_dict")
    return f"after training the model differs from a correct loop's: {why}" if why else None


@probe(public=True, judge=_train_judge)
def train_few_steps(m):
    "a seeded 2-conv net, 6 images 10x12, 8 steps at lr=0.01: losses and final parameters"
    images, masks = _squares(6, 10, 12, seed=20)
    return _train_obs(m, _net(), images, masks, steps=8, lr=0.01)


@probe(judge=_train_judge)
def train_eval_model_stale_grads(m):
    "a net with BatchNorm handed over in eval mode with stale .grad on its parameters: 6 steps"
    images, masks = _squares(5, 9, 9, seed=21)
    model = _net(batch_norm=True)
    nn.functional.mse_loss(model(images), torch.zeros(5, 3, 9, 9)).backward()  # stale grads
    model.eval()
    return _train_obs(m, model, images, masks, steps=6, lr=0.02)


@probe(judge=_train_judge)
def zero_steps(m):
    "steps=0: an empty list and an unchanged model"
    images, masks = _squares(2, 8, 8, seed=22)
    return _train_obs(m, _net(), images, masks, steps=0, lr=0.01)


def _learn_judge(got, ref):
    why = _list_judge(got, ref) or compare(got["losses"][0], ref["losses"][0], rtol=1e-4,
                                           atol=1e-6, path="losses[0]")
    if why:
        return why
    first, last = got["losses"][0], got["losses"][-1]
    if not last < 0.5 * first:
        return f"the loss fell only from {first:.4f} to {last:.4f} in 50 steps"
    pred, true = got["pred"], ref["true"]
    if not isinstance(pred, torch.Tensor) or pred.shape != true.shape:
        return "the trained model's predictions have the wrong shape"
    scores = []
    for c in (1, 2):
        p, t = pred == c, true == c
        scores.append(2 * (p & t).sum().item() / max(1, p.sum().item() + t.sum().item()))
    if min(scores) < 0.85:
        return (f"after 50 steps the held-out Dice of the bright and dark squares is "
                f"{scores[0]:.3f} and {scores[1]:.3f}; expected both above 0.85")
    return None


@probe(judge=_learn_judge)
def learns_squares(m):
    "50 steps at lr=0.02 on 8 images 16x16: the loss falls and held-out Dice is above 0.85"
    images, masks = _squares(8, 16, 16, seed=1)
    model = _net()
    obs = _train_obs(m, model, images, masks, steps=50, lr=0.02)
    test_images, test_masks = _squares(16, 16, 16, seed=2)
    with torch.no_grad():
        obs["pred"] = model.eval()(test_images).argmax(dim=1)  # (16, 16, 16)
    obs["true"] = test_masks
    obs["state"] = {}
    return obs
