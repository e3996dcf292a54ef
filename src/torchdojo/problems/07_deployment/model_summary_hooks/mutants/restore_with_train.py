"""MUTANT: restores the mode with model.train(was_training) from the top-level flag only: a
submodule the caller had put into eval mode comes back in train mode."""


import torch
from torch import nn


def model_summary(model: nn.Module, input_shape: tuple[int, ...]) -> dict:
    """Rows for every leaf-module call in execution order, plus the parameter totals."""
    rows: list[dict] = []
    seen: set[int] = set()  # modules that already reported their parameters

    def make_hook(name: str):
        def hook(module: nn.Module, args, output: torch.Tensor) -> None:
            # a module called again reports its parameters only once
            own = 0 if id(module) in seen else sum(
                p.numel() for p in module.parameters(recurse=False))
            seen.add(id(module))
            rows.append({"name": name, "type": type(module).__name__,
                         "output_shape": tuple(output.shape), "num_params": own})
        return hook

    # 1. hook every leaf (a module without children); containers get no row
    handles = [mod.register_forward_hook(make_hook(name))
               for name, mod in model.named_modules() if next(mod.children(), None) is None]
    was_training = model.training
    try:
        # 2. one pass in eval mode (BatchNorm keeps its running stats, batch 1 works)
        model.eval()
        with torch.no_grad():
            model(torch.zeros(input_shape))  # (*input_shape)
    finally:
        # 3. leave the model as it was, also when the forward raised
        for h in handles:
            h.remove()
        model.train(was_training)
    # 4. totals over the whole model: shared parameters once, non-leaf parameters included
    params = list(model.parameters())  # deduplicated
    return {"rows": rows,
            "total_params": sum(p.numel() for p in params),
            "trainable_params": sum(p.numel() for p in params if p.requires_grad)}
