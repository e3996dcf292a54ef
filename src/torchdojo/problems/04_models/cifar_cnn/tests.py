"""Probes for cifar_cnn. The network's structure is free, so CifarCNN is judged by behaviour:
output shapes (batch 1 and 7, train and eval mode, num_classes 10 and 3), logits rather than
probabilities, the parameter budget, samples independent of each other in eval mode, learning a
synthetic task, and one epoch of train_epoch lowering the loss. train_epoch itself is run on
models the probes build (seeded, with batch norm), over CIFAR-10 pickles read with torchvision's
reader: the parameters, buffers and returned loss are compared with the reference's."""

import tempfile

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from torchdojo.probes import compare, probe

BUDGET = 100_000
MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)


def _probs_message(out) -> str | None:
    """A message if the rows of ``out`` look like softmax probabilities."""
    if (isinstance(out, torch.Tensor) and out.dim() == 2 and out.dtype == torch.float32
            and bool((out >= 0).all())
            and not compare(out.sum(1), torch.ones(out.shape[0]), rtol=0, atol=1e-4)):
        return ("forward returns probabilities (each row is non-negative and sums to 1): return "
                "logits; cross_entropy applies log-softmax itself")
    return None


def _describe(out) -> dict:
    if not isinstance(out, torch.Tensor):
        return {"type": type(out).__name__}
    return {"type": "Tensor", "shape": list(out.shape), "dtype": str(out.dtype),
            "finite": bool(torch.isfinite(out).all()) if out.is_floating_point() else False,
            "out": out.detach()[:2].clone()}


def _shapes_judge(got, ref):
    for case, r in ref.items():
        g = got[case]
        if g["type"] != "Tensor":
            return f"{case}: forward returned a {g['type']}, expected a tensor"
        if g["shape"] != r["shape"]:
            return f"{case}: output shape {tuple(g['shape'])}, expected {tuple(r['shape'])}"
        if g["dtype"] != r["dtype"]:
            return f"{case}: output dtype {g['dtype']}, expected {r['dtype']}"
        if not g["finite"]:
            return f"{case}: the output has NaN or inf"
        why = _probs_message(g["out"])
        if why:
            return f"{case}: {why}"
    return None


@probe(public=True, judge=_shapes_judge)
def output_shapes(m):
    "CifarCNN(): output shape for a batch of 1 and of 7 in eval mode, and of 7 in train mode"
    model = m.CifarCNN()
    out = {}
    model.eval()
    with torch.no_grad():
        for b in (1, 7):
            out[f"eval mode, batch {b}"] = _describe(model(torch.randn(b, 3, 32, 32)))
    model.train()
    out["train mode, batch 7"] = _describe(model(torch.randn(7, 3, 32, 32)))
    return out


@probe(judge=_shapes_judge)
def other_num_classes(m):
    "CifarCNN(num_classes=3): output shape (B, 3) for batches of 1 and 5 in eval mode"
    model = m.CifarCNN(num_classes=3).eval()
    with torch.no_grad():
        return {f"num_classes=3, batch {b}": _describe(model(torch.randn(b, 3, 32, 32)))
                for b in (1, 5)}


def _budget_judge(got, ref):
    for case, n in got.items():
        if not 0 < n < BUDGET:
            return (f"{case} has {n:,} parameters; the budget is fewer than {BUDGET:,} "
                    "(most of them usually sit in the first linear layer after the flatten)")
    return None


@probe(judge=_budget_judge)
def parameter_budget(m):
    "the number of parameter elements of CifarCNN() and CifarCNN(num_classes=3) is below the budget"
    return {f"CifarCNN(num_classes={c})": sum(p.numel() for p in m.CifarCNN(c).parameters())
            for c in (10, 3)}


def _independent_judge(got, ref):
    if got["type"] != "Tensor" or got["shape"] != ref["shape"]:
        return f"forward returned {got['type']} of shape {got.get('shape')}, expected {ref['shape']}"
    why = compare(got["changed"], got["first"], rtol=1e-5, atol=1e-5)
    if why:
        return ("in eval mode, changing image 1 of a batch changed the output for image 0: "
                f"each sample's logits must depend on that sample only ({why})")
    return None


@probe(judge=_independent_judge)
def samples_independent(m):
    "eval mode: replacing image 1 of a batch of 4 leaves the logits of images 0, 2, 3 unchanged"
    model = m.CifarCNN().eval()
    x = torch.randn(4, 3, 32, 32)
    x2 = x.clone()
    x2[1] = torch.randn(3, 32, 32) * 3
    with torch.no_grad():
        a, b = model(x), model(x2)
    if not isinstance(a, torch.Tensor):
        return {"type": type(a).__name__}
    keep = [0, 2, 3]
    return {"type": "Tensor", "shape": list(a.shape), "first": a[keep].clone(),
            "changed": b[keep].clone()}


def _synthetic(n: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy images in 4 classes: red tint, green tint, horizontal stripes, vertical stripes."""
    g = torch.Generator().manual_seed(7)
    y = torch.arange(n) % 4  # (n,)
    x = torch.randn(n, 3, 32, 32, generator=g)  # (n, 3, 32, 32)
    stripes = (torch.arange(32) % 4 < 2).float() * 2 - 1  # +1 +1 -1 -1 ...
    x[y == 0, 0] += 1.0
    x[y == 1, 1] += 1.0
    x[y == 2] += stripes.view(1, 1, 32, 1)
    x[y == 3] += stripes.view(1, 1, 1, 32)
    return x, y


def _overfit_judge(got, ref):
    if got["preds"] is None:
        return (f"CifarCNN(num_classes=4) returned {got['type']} of shape {got['shape']} for 64 "
                "images; expected (64, 4) logits")
    acc = float((got["preds"] == got["labels"]).float().mean())
    if acc < 0.9:
        return (f"after {got['steps']} Adam steps on 64 synthetic images the train accuracy "
                f"(eval mode) is {acc:.0%}; expected at least 90%")
    return None


@probe(judge=_overfit_judge)
def learns_synthetic_task(m):
    "CifarCNN(num_classes=4), 10 full-batch Adam(lr=2e-3) steps on 64 synthetic images (class = colour or stripe direction): train accuracy >= 90%"
    x, y = _synthetic()
    model = m.CifarCNN(num_classes=4)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = 10
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        out = model(x)
    preds = out.argmax(1) if isinstance(out, torch.Tensor) and out.shape == (64, 4) else None
    shape = list(out.shape) if isinstance(out, torch.Tensor) else None
    return {"type": type(out).__name__, "shape": shape, "preds": preds, "labels": y,
            "steps": steps}


def _cifar_loader(n_per_batch: int, batch_size: int, seed: int) -> DataLoader:
    """CIFAR-10 pickles written to a temp dir (5 batches of n_per_batch images), read back with
    torchvision's CIFAR10 reader (md5 checks off), as normalised float tensors."""
    from torchvision import transforms

    from torchdojo.datagen.cifar import UncheckedCIFAR10, write_cifar10

    files = write_cifar10(tempfile.mkdtemp(), n_per_batch=n_per_batch, n_test=2, seed=seed)
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    ds = UncheckedCIFAR10(files.root, train=True, transform=tf)
    return DataLoader(ds, batch_size=batch_size, shuffle=False)


def _bn_model(num_classes: int = 10) -> nn.Module:
    """A tiny seeded CNN with batch norm: its training behaviour differs from eval's."""
    return nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, num_classes))


def _state(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _epoch_judge(got, ref):
    if not got["is_float"]:
        return f"train_epoch should return a Python float, got {got['type']}"
    if not got["training"]:
        return ("the model was handed over in eval mode and was still in eval mode after "
                "train_epoch: switch it to training mode")
    why = compare(got["state"], ref["state"], rtol=1e-4, atol=1e-6, path="state_dict")
    if why:
        return ("after one epoch the parameters or batch-norm buffers differ from those of a "
                f"correct epoch (same model, data and optimizer): {why}")
    if compare(got["loss"], ref["loss"], rtol=1e-5, atol=1e-6):
        return (f"returned loss {got['loss']:.6f}, expected {ref['loss']:.6f}: the mean of the "
                "per-sample cross-entropy over the epoch (batches weighted by their size)")
    return None


def _run_epoch(m, model, loader, opt) -> dict:
    model.eval()  # as if a validation pass had just run
    loss = m.train_epoch(model, loader, opt)
    return {"is_float": isinstance(loss, float), "type": type(loss).__name__,
            "loss": float(loss), "training": model.training, "state": _state(model)}


@probe(public=True, judge=_epoch_judge)
def epoch_on_cifar_pickles(m):
    "train_epoch on a seeded batch-norm CNN handed over in eval mode, SGD(lr=0.05, momentum=0.9), 30 CIFAR images in batches of 8 (the last has 6): parameters, buffers, returned loss"
    model = _bn_model()
    loader = _cifar_loader(6, 8, seed=0)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    return _run_epoch(m, model, loader, opt)


@probe(judge=_epoch_judge)
def epoch_short_last_batch(m):
    "the same with Adam(lr=1e-2), batches of 7 (the last has 2) and gradients left over from an earlier backward"
    model = _bn_model()
    (model(torch.randn(2, 3, 32, 32)) ** 2).sum().backward()  # stale .grad from before
    loader = _cifar_loader(6, 7, seed=1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    return _run_epoch(m, model, loader, opt)


def _lowers_judge(got, ref):
    if not got["is_float"]:
        return f"train_epoch should return a Python float, got {got['type']}"
    if not got["after"] < got["before"]:
        return (f"one epoch of 5 Adam steps on the same batch of 16 images took CifarCNN's loss "
                f"(eval mode) from {got['before']:.4f} to {got['after']:.4f}; it should fall")
    return None


@probe(judge=_lowers_judge)
def epoch_lowers_loss(m):
    "CifarCNN and train_epoch: one epoch that shows the same batch of 16 CIFAR images 5 times lowers the loss on it"
    x, y = next(iter(_cifar_loader(4, 16, seed=2)))
    model = m.CifarCNN()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def loss_now() -> float:
        model.eval()
        with torch.no_grad():
            return float(F.cross_entropy(model(x), y))

    before = loss_now()
    loss = m.train_epoch(model, [(x, y)] * 5, opt)
    return {"is_float": isinstance(loss, float), "type": type(loss).__name__,
            "before": before, "after": loss_now()}
