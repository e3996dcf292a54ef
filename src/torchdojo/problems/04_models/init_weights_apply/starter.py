"""Layer-type-specific weight initialisation through model.apply, and parameter counting."""

from torch import nn


def init_weights(m: nn.Module) -> None:
    """Initialise the parameters of one module in place, by its type; other modules untouched."""
    # TODO: nn.Linear: Xavier-uniform weight, zero bias (if it has one)
    # TODO: nn.Conv2d: Kaiming-normal weight (fan_out, relu), zero bias (if it has one)
    # TODO: nn.BatchNorm1d/2d/3d with affine=True: weight 1, bias 0
    # TODO: anything else: leave it alone
    raise NotImplementedError


def count_params(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of parameter elements; a shared parameter counts once; buffers do not count."""
    # TODO: sum the element counts, skipping frozen parameters when trainable_only is set
    return 0
