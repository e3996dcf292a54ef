"""MUTANT: no dynamic_shapes: the graph is fixed to the example's batch size, and onnxruntime
refuses any other."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    was_training = model.training
    model.eval()
    try:
        torch.onnx.export(model, (example,), path, input_names=[input_name],
                          output_names=[output_name], verbose=False)
    finally:
        model.train(was_training)
