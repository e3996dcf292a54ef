"""MUTANT: model.train() after the export, unconditionally: a model the caller had in eval mode
comes back in training mode."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    model.eval()
    try:
        batch = torch.export.Dim("batch")
        torch.onnx.export(model, (example,), path, input_names=[input_name],
                          output_names=[output_name], dynamic_shapes=({0: batch},), verbose=False)
    finally:
        model.train()
