"""MUTANT: the seed's calibration: one batch (the first) run through the observers again and again
instead of the whole loader, so the activation ranges come from a handful of samples."""

import copy
from collections.abc import Iterable

import torch
from torch import nn
from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
    X86InductorQuantizer,
    get_default_x86_inductor_quantization_config,
)


def static_quantize(model: nn.Module, example: torch.Tensor, calib_loader: Iterable
                    ) -> torch.fx.GraphModule:
    """An int8 copy of ``model`` calibrated on every batch ``(x, y)`` of ``calib_loader``."""
    # a copy in eval mode: Dropout off, the caller's model untouched
    float_model = copy.deepcopy(model).eval()
    # capture the graph; the batch dimension stays free so any batch size runs later
    batch = torch.export.Dim("batch")
    graph = torch.export.export(float_model, (example,), dynamic_shapes=({0: batch},)).module()
    # annotate every supported op with the x86 int8 recipe and insert observers
    quantizer = X86InductorQuantizer().set_global(get_default_x86_inductor_quantization_config())
    prepared = prepare_pt2e(graph, quantizer)
    # calibration: the observers record the range of each activation, batch by batch
    with torch.no_grad():
        first, _ = next(iter(calib_loader))
        for _ in range(8):
            prepared(first)
    # observers -> quantize/dequantize at fixed scales; weights folded to int8 tensors
    return convert_pt2e(prepared)
