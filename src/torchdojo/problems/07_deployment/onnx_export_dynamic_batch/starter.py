"""Export a PyTorch model to ONNX for inference, with a dynamic batch dimension."""

import torch
from torch import nn


def export_onnx(
    model: nn.Module,
    example: torch.Tensor,
    path: str,
    input_name: str = "input",
    output_name: str = "output",
) -> None:
    """Write ``model`` in eval mode to the ONNX file ``path``; dim 0 (batch) is dynamic."""
    # TODO: put the model in eval mode, and give the caller back the modes it had (even on error)
    # TODO: name the graph's input and output
    # TODO: make dim 0 (the batch) dynamic with torch.export.Dim and dynamic_shapes
    torch.onnx.export(model, (example,), path, verbose=False)
