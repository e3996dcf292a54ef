"""MUTANT: the input is named, the output is not: it keeps the exporter's name for the last
node."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    was_training = model.training
    model.eval()
    try:
        batch = torch.export.Dim("batch")
        torch.onnx.export(model, (example,), path, input_names=[input_name],
                          dynamic_shapes=({0: batch},), verbose=False)
    finally:
        model.train(was_training)
