"""MUTANT: the seed's mistake: the model is exported in whatever mode the caller left it
in. A model in training mode becomes a graph with a live Dropout, so the file gives random
outputs."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    batch = torch.export.Dim("batch")
    torch.onnx.export(model, (example,), path, input_names=[input_name],
                      output_names=[output_name], dynamic_shapes=({0: batch},), verbose=False)
