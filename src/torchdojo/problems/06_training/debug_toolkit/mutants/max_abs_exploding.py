"""Compares the largest |element| with the threshold instead of the L2 norm."""


import re
import warnings

import torch
from torch import nn

# torch 2.x: "Function 'LogBackward0' returned nan values in its 0th output."
_NAN_NODE = re.compile(r"Function '(\w+)' returned nan values")


def layer_shapes(model: nn.Module, x: torch.Tensor) -> list[tuple[str, tuple[int, ...]]]:
    """(name, output shape) of each leaf module's call during one forward pass, in call order."""
    calls: list[tuple[str, tuple[int, ...]]] = []

    def make_hook(name: str):
        def hook(module: nn.Module, args, output) -> None:
            if isinstance(output, torch.Tensor):  # e.g. nn.LSTM returns a tuple: skipped
                calls.append((name, tuple(output.shape)))
        return hook

    # Leaves: modules without children (their names as named_modules gives them).
    handles = [module.register_forward_hook(make_hook(name))
               for name, module in model.named_modules()
               if next(module.children(), None) is None]
    # Each module's own flag: a model may mix train and eval submodules.
    flags = [(module, module.training) for module in model.modules()]
    try:
        model.eval()  # no batch-norm statistics updated, no dropout
        with torch.no_grad():  # no graph kept
            model(x)
    finally:
        # Also when forward raised: no hook may stay behind, every flag goes back.
        for h in handles:
            h.remove()
        for module, training in flags:
            module.training = training
    return calls


def grad_report(model: nn.Module, exploding: float = 1e3) -> dict[str, str]:
    """Label each parameter's .grad: "none", "nan", "zero", "exploding" or "ok" (that precedence)."""
    report = {}
    for name, p in model.named_parameters():
        g = p.grad
        if g is None:
            label = "none"  # never reached by backward (or frozen, or grads cleared)
        elif not bool(torch.isfinite(g).all()):
            label = "nan"  # NaN or +-inf anywhere: check before any norm
        elif not bool(g.any()):
            label = "zero"  # every element exactly 0 (not: the sum or the norm is 0)
        elif float(g.abs().max()) > exploding:
            label = "exploding"  # L2 norm over all elements
        else:
            label = "ok"
        report[name] = label
    return report


def first_nan_op(fn, *args) -> str:
    """Name of the backward node that first returns NaN in fn(*args).backward(), or ""."""
    with warnings.catch_warnings():
        # Anomaly mode announces itself, and warns with the forward trace when it fires.
        warnings.filterwarnings("ignore", message="Anomaly Detection has been enabled")
        warnings.filterwarnings("ignore", message="Error detected in")
        with torch.autograd.detect_anomaly(check_nan=True):  # restores the old mode on exit
            out = fn(*args)  # a scalar tensor; forward NaNs are not checked, only backward
            try:
                out.backward()
            except RuntimeError as exc:
                match = _NAN_NODE.search(str(exc))
                if match is None:
                    raise  # some other autograd error: not ours to hide
                return match.group(1)
    return ""
