"""set_lr re-initialises the optimizer in place: the groups merge into one, momentum is lost."""

import torch
from torch import nn

# every normalisation layer with affine parameters (BatchNorm*, SyncBatchNorm and InstanceNorm*
# derive from _NormBase)
NORM_LAYERS = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm, nn.RMSNorm)


def make_param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """``[decayed group, non-decayed group]`` over the trainable parameters, each exactly once."""
    no_decay: set[int] = set()
    for module in model.modules():
        for local_name, p in module.named_parameters(recurse=False):
            # biases of any layer, and all parameters of normalisation layers
            if local_name == "bias" or isinstance(module, NORM_LAYERS):
                no_decay.add(id(p))
    decay_params, no_decay_params = [], []
    # named_parameters() yields a shared (tied) parameter once
    for _, p in model.named_parameters():
        if not p.requires_grad:
            continue  # frozen: not handed to the optimizer
        (no_decay_params if id(p) in no_decay else decay_params).append(p)
    return [
        {"params": decay_params, "weight_decay": weight_decay},
        {"params": no_decay_params, "weight_decay": 0.0},
    ]


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set the learning rate of every parameter group, in place."""
    params = [p for group in optimizer.param_groups for p in group["params"]]
    optimizer.__init__(params, **{**optimizer.defaults, "lr": lr})


def scale_lr(optimizer: torch.optim.Optimizer, factor: float) -> None:
    """Multiply every group's learning rate by ``factor``, in place."""
    for group in optimizer.param_groups:
        group["lr"] = group["lr"] * factor
