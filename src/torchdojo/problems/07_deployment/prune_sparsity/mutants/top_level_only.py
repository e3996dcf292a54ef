"""MUTANT: looks only at model.children(): layers nested in a Sequential are missed."""


import torch.nn.utils.prune as prune
from torch import nn

# the layers whose weights are pruned; norms, embeddings and biases are left alone
PRUNABLE = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


def _prunable(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """(qualified name, module) of every Linear/Conv layer, nested ones included."""
    return [(name, mod) for name, mod in model.named_children() if isinstance(mod, PRUNABLE)]


def prune_model(model: nn.Module, amount: float, global_pruning: bool = False) -> nn.Module:
    """Zero the `amount` fraction of smallest-|w| Linear/Conv weights, in place; return model."""
    targets = [(mod, "weight") for _, mod in _prunable(model)]
    if global_pruning:
        # one ranking of |w| over every target weight: round(amount * total) are zeroed
        prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=amount)
    else:
        # each layer on its own: round(amount * numel) of its weights are zeroed
        for mod, name in targets:
            prune.l1_unstructured(mod, name=name, amount=amount)
    # make it permanent: weight = weight_orig * weight_mask, drop the mask and the hook
    for mod, name in targets:
        prune.remove(mod, name)
    return model


def sparsity(model: nn.Module) -> dict[str, float]:
    """Fraction of zero weights per Linear/Conv layer (by name), and over all of them."""
    report, zeros, total = {}, 0, 0
    for name, mod in _prunable(model):
        w = mod.weight  # (out, in) or (out, in, *kernel)
        n_zero = int((w == 0).sum())
        report[name] = n_zero / w.numel()
        zeros, total = zeros + n_zero, total + w.numel()
    # the overall figure weighs every weight equally (not the mean of the layer fractions)
    report["global"] = zeros / total
    return report
