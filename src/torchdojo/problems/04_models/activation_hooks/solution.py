"""Read intermediate activations and gradients out of a model with module hooks.

A forward hook runs right after a module's forward and sees its output; a full backward hook
runs when the gradient with respect to the module's output has been computed. Hooks stay on the
module until their handle is removed, so every handle is removed in a `finally`, whether the
forward succeeded or not. Copies (detach + clone) keep the captured values as they were when the
hook ran, free of the graph and of later in-place writes.
"""

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
        # Gradients as return values, not accumulated into .grad: nothing's .grad changes.
        leaves = [p for p in model.parameters() if p.requires_grad]
        leaves += [x] if x.requires_grad else []
        torch.autograd.grad(loss, leaves, allow_unused=True)
    finally:
        for h in handles:
            h.remove()
    return grads
