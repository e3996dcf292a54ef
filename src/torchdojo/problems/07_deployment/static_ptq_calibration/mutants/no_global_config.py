"""MUTANT: the seed's missing quant/dequant boundary, PT2E style: a quantizer with no config
annotates nothing, so prepare inserts no observers and convert inserts no quantize/dequantize
nodes: the result is still a float model."""

import copy
from collections.abc import Iterable

import torch
from torch import nn
from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
    X86InductorQuantizer,
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
    quantizer = X86InductorQuantizer()  # no set_global: nothing is annotated
    prepared = prepare_pt2e(graph, quantizer)
    # calibration: the observers record the range of each activation, batch by batch
    with torch.no_grad():
        for x, _ in calib_loader:  # x: (B, in_features); labels are not needed
            prepared(x)
    # observers -> quantize/dequantize at fixed scales; weights folded to int8 tensors
    return convert_pt2e(prepared)
