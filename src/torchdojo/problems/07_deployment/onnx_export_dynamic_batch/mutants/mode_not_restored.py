"""MUTANT: eval() for the export, and the caller's model is left in eval mode afterwards."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    model.eval()
    batch = torch.export.Dim("batch")
    torch.onnx.export(model, (example,), path, input_names=[input_name],
                      output_names=[output_name], dynamic_shapes=({0: batch},), verbose=False)
