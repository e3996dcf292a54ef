"""MUTANT: freezes the parameters with requires_grad_(False) for the export and never unfreezes
them: the caller's model can no longer be trained."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    was_training = model.training
    model.eval().requires_grad_(False)
    try:
        batch = torch.export.Dim("batch")
        torch.onnx.export(model, (example,), path, input_names=[input_name],
                          output_names=[output_name], dynamic_shapes=({0: batch},), verbose=False)
    finally:
        model.train(was_training)
