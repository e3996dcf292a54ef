"""Static post-training int8 quantisation with calibration, the PT2E way (torchao)."""

import copy  # noqa: F401 - for your code
from collections.abc import Iterable

import torch
from torch import nn
from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
from torchao.quantization.pt2e.quantizer.x86_inductor_quantizer import (
    X86InductorQuantizer,
    get_default_x86_inductor_quantization_config,  # noqa: F401 - for your code
)


def static_quantize(model: nn.Module, example: torch.Tensor, calib_loader: Iterable
                    ) -> torch.fx.GraphModule:
    """An int8 copy of ``model`` calibrated on every batch ``(x, y)`` of ``calib_loader``."""
    # TODO: work on a copy in eval mode
    # TODO: export with a dynamic batch dimension
    graph = torch.export.export(model, (example,)).module()
    # TODO: configure the quantizer (it annotates nothing without a global config)
    prepared = prepare_pt2e(graph, X86InductorQuantizer())
    # TODO: calibrate: run every batch of the loader through the prepared graph, once
    return convert_pt2e(prepared)
