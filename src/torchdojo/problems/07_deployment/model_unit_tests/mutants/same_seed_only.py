"""MUTANT: checks that the same seed gives the same weights but not that another seed
gives other weights: an ``__init__`` that seeds itself with a constant passes."""

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

N_FEATURES, N_CLASSES = 10, 3


def _data(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, N_FEATURES, generator=g)  # (n, 10)
    y = torch.arange(n) % N_CLASSES  # (n,) every class present
    return x, y


def check_shape(factory: Callable[[], nn.Module]) -> bool:
    """(B, 3) for every batch size, 1 included (eval mode: BatchNorm cannot train on 1 row)."""
    model = factory().eval()
    with torch.no_grad():
        return all(model(_data(b, b)[0]).shape == (b, N_CLASSES) for b in (1, 2, 7))


def check_log_probs(factory: Callable[[], nn.Module]) -> bool:
    """Each row is a log-distribution over the classes: logsumexp over dim 1 is 0, all <= 0."""
    model = factory()
    x, _ = _data(6, 1)  # 6 rows, 3 classes: row and column sums cannot be confused
    ok = True
    for train in (True, False):
        model.train(train)
        with torch.no_grad():
            out = model(x)  # (6, 3)
        ok &= bool(torch.allclose(out.logsumexp(dim=1), torch.zeros(6), atol=1e-5))
        ok &= bool((out <= 1e-6).all())
    return ok


def check_grad_flow(factory: Callable[[], nn.Module]) -> bool:
    """One backward pass reaches every parameter with a finite, non-zero gradient."""
    model = factory().train()
    x, y = _data(8, 2)
    F.nll_loss(model(x), y).backward()
    return all(p.grad is not None and bool(torch.isfinite(p.grad).all())
               and bool(p.grad.abs().sum() > 0) for p in model.parameters())


def _same(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def check_seeded_init(factory: Callable[[], nn.Module]) -> bool:
    """The same seed gives the same weights; another seed gives other weights."""
    torch.manual_seed(123)
    a = factory()
    torch.manual_seed(123)
    b = factory()
    return _same(a, b)


def check_overfits(factory: Callable[[], nn.Module], steps: int = 40) -> bool:
    """A fresh model drives the loss on one tiny batch close to zero (eval loss < 0.1)."""
    torch.manual_seed(0)
    model = factory().train()
    x, y = _data(8, 3)
    opt = torch.optim.Adam(model.parameters(), lr=3e-2)
    for _ in range(steps):
        opt.zero_grad()
        F.nll_loss(model(x), y).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        return F.nll_loss(model(x), y).item() < 0.1


def check_eval_deterministic(factory: Callable[[], nn.Module]) -> bool:
    """In eval mode two forward passes of the same batch agree exactly (dropout is off)."""
    model = factory().eval()
    x, _ = _data(16, 4)
    with torch.no_grad():
        return torch.equal(model(x), model(x))


def check_eval_independent(factory: Callable[[], nn.Module]) -> bool:
    """In eval mode a row's output does not depend on the rest of the batch, and a forward
    pass changes no state (BatchNorm uses and keeps its running statistics)."""
    torch.manual_seed(0)
    model = factory().train()
    with torch.no_grad():
        model(_data(32, 5)[0] * 3 + 1)  # move the running statistics away from (0, 1)
    model.eval()
    x, _ = _data(8, 6)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        full = model(x)  # (8, 3)
        single = torch.cat([model(x[i:i + 1]) for i in range(3)])  # (3, 3), one row at a time
    after = model.state_dict()
    unchanged = all(torch.equal(before[k], after[k]) for k in before)
    return unchanged and torch.allclose(full[:3], single, atol=1e-5)


CHECKS = {
    "shape": check_shape,
    "log_probs": check_log_probs,
    "grad_flow": check_grad_flow,
    "seeded_init": check_seeded_init,
    "overfits": check_overfits,
    "eval_deterministic": check_eval_deterministic,
    "eval_independent": check_eval_independent,
}


def run_model_checks(model_factory: Callable[[], nn.Module]) -> dict[str, bool]:
    """Run every check on fresh models from ``model_factory``; a check that raises fails."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check(model_factory))
        except Exception:  # noqa: BLE001 - a crash is a failed check, not a crashed suite
            results[name] = False
    return results
