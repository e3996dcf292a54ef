"""Export a PyTorch model to ONNX for inference, with a dynamic batch dimension.

The dynamo exporter (``torch.onnx.export``, the default since PyTorch 2.9) traces the model with
``torch.export`` and translates the graph to ONNX. What it records is what the model does *in the
mode it is in*: a model left in training mode becomes a graph with a live ``Dropout`` (and
batch-statistics normalisation), so the model is switched to ``eval()`` for the export and the
caller's modes are put back afterwards, also when the export fails.
"""

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
    # remember every submodule's mode: the caller gets the model back as it was
    modes = {mod: mod.training for mod in model.modules()}
    model.eval()  # dropout off, batch norm on its running statistics
    try:
        batch = torch.export.Dim("batch")  # a symbolic size, shared by input and output
        torch.onnx.export(
            model,
            (example,),  # (B, ...) one positional input; B >= 2, or export specialises it
            path,
            input_names=[input_name],
            output_names=[output_name],
            dynamic_shapes=({0: batch},),  # by position: any name of forward's argument
            dynamo=True,  # the torch.export-based exporter (not the TorchScript one)
            verbose=False,
        )
    finally:
        for mod, training in modes.items():
            mod.train(training)
