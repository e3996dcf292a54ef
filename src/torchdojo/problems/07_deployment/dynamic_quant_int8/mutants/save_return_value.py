"""MUTANT: the seed's size measurement: it takes the return value of torch.save as the size, but
torch.save returns None."""

import copy
import io

import torch
from torch import nn
from torchao.quantization import (
    Int8DynamicActivationInt8WeightConfig,
    Int8WeightOnlyConfig,
    quantize_,
)

CONFIGS = {
    "dynamic": Int8DynamicActivationInt8WeightConfig,  # int8 weights, int8 activations per call
    "weight_only": Int8WeightOnlyConfig,  # int8 weights, float activations
}


def state_dict_bytes(model: nn.Module) -> int:
    """Size of ``model.state_dict()`` as serialised by ``torch.save``, in bytes."""
    buf = io.BytesIO()
    size = torch.save(model.state_dict(), buf)
    return size


def quantize_and_compare(model: nn.Module, x: torch.Tensor, mode: str = "dynamic"
                         ) -> tuple[nn.Module, dict]:
    """Quantise a copy of ``model``'s Linear layers to int8; report sizes and the output error."""
    if mode not in CONFIGS:
        raise ValueError(f"mode must be one of {sorted(CONFIGS)}, got {mode!r}")
    # two copies in eval mode: the caller's model (weights, training flag) stays untouched
    fp32 = copy.deepcopy(model).eval()
    qmodel = copy.deepcopy(model).eval()
    quantize_(qmodel, CONFIGS[mode]())  # in place: each nn.Linear weight becomes an Int8Tensor
    # the same float input through both
    with torch.inference_mode():
        y_fp32 = fp32(x)  # (B, out)
        y_int8 = qmodel(x)  # (B, out)
    report = {
        "fp32_bytes": state_dict_bytes(fp32),
        "int8_bytes": state_dict_bytes(qmodel),
        "max_abs_err": (y_fp32 - y_int8).abs().max().item(),  # a Python float
    }
    return qmodel, report
