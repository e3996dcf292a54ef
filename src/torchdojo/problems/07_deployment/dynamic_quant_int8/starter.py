"""Post-training int8 quantisation of a model's Linear layers with torchao, and what it buys."""

import copy  # noqa: F401 - for your code
import io  # noqa: F401 - for your code

import torch
from torch import nn
from torchao.quantization import (  # noqa: F401 - for your code
    Int8DynamicActivationInt8WeightConfig,
    Int8WeightOnlyConfig,
    quantize_,
)


def state_dict_bytes(model: nn.Module) -> int:
    """Size of ``model.state_dict()`` as serialised by ``torch.save``, in bytes."""
    # TODO: serialise the state dict into memory and count the bytes
    return sum(p.numel() * p.element_size() for p in model.parameters())


def quantize_and_compare(model: nn.Module, x: torch.Tensor, mode: str = "dynamic"
                         ) -> tuple[nn.Module, dict]:
    """Quantise a copy of ``model``'s Linear layers to int8; report sizes and the output error."""
    # TODO: refuse an unknown mode with ValueError
    # TODO: work on copies in eval mode; leave the caller's model as it is
    # TODO: quantize_ the copy with the config the mode names
    # TODO: run both models on x; the largest absolute output difference as a Python float
    raise NotImplementedError
