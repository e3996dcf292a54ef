"""Zeroes m.bias without checking it exists: a layer built with bias=False crashes (nn.init.zeros_(None))."""

from torch import nn

_BATCH_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def init_weights(m: nn.Module) -> None:
    """Initialise the parameters of one module in place, by its type; other modules untouched."""
    if isinstance(m, nn.Linear):
        # U(-a, a) with a = sqrt(6 / (fan_in + fan_out))
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Conv2d):
        # N(0, 2 / fan_out), fan_out = out_channels * kh * kw
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(m.bias)
    elif isinstance(m, _BATCH_NORMS) and m.affine:
        # Start as the identity: scale 1, shift 0 (running statistics are buffers, left alone).
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


def count_params(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of parameter elements; a shared parameter counts once; buffers do not count."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
