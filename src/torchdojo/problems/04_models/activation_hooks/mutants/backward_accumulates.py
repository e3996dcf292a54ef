"""Computes the gradients with loss.backward(): the hooks see the right values, but every parameter's .grad (and x.grad) is changed as a side effect."""

from collections.abc import Callable

import torch
from torch import nn


def _modules(model: nn.Module, names: list[str]) -> list[nn.Module]:
    """Look every name up first, so an unknown one fails before any hook is registered."""
    table = dict(model.named_modules())
    return [table[name] for name in names]  # KeyError for an unknown name


def capture_activations(model: nn.Module, names: list[str],
                        x: torch.Tensor) -> dict[str, list[torch.Tensor]]:
    """Outputs of the named submodules during ``model(x)``, one copy per call, in call order."""
    modules = _modules(model, names)
    acts: dict[str, list[torch.Tensor]] = {name: [] for name in names}
    handles = []
    try:
        for name, module in zip(names, modules, strict=True):
            def hook(mod, inputs, output, name=name):
                acts[name].append(output.detach().clone())  # no graph, no aliasing
            handles.append(module.register_forward_hook(hook))
        with torch.no_grad():  # nothing here needs a graph
            model(x)
    finally:
        for h in handles:  # also when the forward raised
            h.remove()
    return acts


def capture_gradients(model: nn.Module, names: list[str], x: torch.Tensor,
                      loss_fn: Callable[[torch.Tensor], torch.Tensor]
                      ) -> dict[str, list[torch.Tensor]]:
    """d loss / d output of the named submodules, one per call, in the order the hooks fire."""
    modules = _modules(model, names)
    grads: dict[str, list[torch.Tensor]] = {name: [] for name in names}
    handles = []
    try:
        for name, module in zip(names, modules, strict=True):
            def hook(mod, grad_input, grad_output, name=name):
                grads[name].append(grad_output[0].detach().clone())  # w.r.t. the output
            handles.append(module.register_full_backward_hook(hook))
        loss = loss_fn(model(x))  # 0-d
        loss.backward()
    finally:
        for h in handles:
            h.remove()
    return grads
