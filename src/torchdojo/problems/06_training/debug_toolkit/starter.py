"""Three debugging helpers, as a tutorial wrote them. They run, and they are wrong: fix them.

layer_shapes walks named_children() (crashes on resnet18 at fc), grad_report checks in the
wrong order, first_nan_op turns anomaly mode on for good and returns the whole error message.
"""

import warnings  # noqa: F401 - you will need it

import torch
from torch import nn


def layer_shapes(model: nn.Module, x: torch.Tensor) -> list[tuple[str, tuple[int, ...]]]:
    """(name, output shape) of each leaf module's call during one forward pass, in call order."""
    # TODO: named_children() skips everything forward does between the children (flatten,
    #       skip connections) and never looks inside a block: hook every LEAF of
    #       named_modules() instead and run the real model(x) once
    # TODO: eval mode and no_grad for that pass; afterwards remove the hooks and restore every
    #       module's training flag -- also when forward raises
    calls = []
    for name, layer in model.named_children():
        x = layer(x)
        calls.append((name, tuple(x.shape)))
    return calls


def grad_report(model: nn.Module, exploding: float = 1e3) -> dict[str, str]:
    """Label each parameter's .grad: "none", "nan", "zero", "exploding" or "ok" (that precedence)."""
    report = {}
    for name, param in model.named_parameters():
        if param.grad is None:
            report[name] = "none"
            continue
        norm = param.grad.norm().item()
        # TODO: the order is wrong: an inf gradient has an inf norm and lands in "exploding";
        #       "zero" means every element is 0, which a norm cannot tell for tiny values
        if norm == 0:
            report[name] = "zero"
        elif norm > exploding:
            report[name] = "exploding"
        elif torch.isnan(param.grad).any():
            report[name] = "nan"
        else:
            report[name] = "ok"
    return report


def first_nan_op(fn, *args) -> str:
    """Name of the backward node that first returns NaN in fn(*args).backward(), or ""."""
    # TODO: use the context manager torch.autograd.detect_anomaly(check_nan=True), so the mode
    #       is switched off again, and keep its warnings from reaching the caller
    torch.autograd.set_detect_anomaly(True)
    out = fn(*args)
    try:
        out.backward()
    except RuntimeError as exc:
        # TODO: return only the node's name from "Function 'XBackward0' returned nan values
        #       ..."; any other RuntimeError must propagate
        return str(exc)
    return ""
