"""Mutant: exports_cleanly catches only torch._dynamo.exc.UserError; a data-dependent guard error escapes."""

from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.export import Dim


class RoutedHead(nn.Module):
    """Two heads; the batch's mean hidden activation picks which one answers (exportable)."""

    def __init__(self, d_in: int, d_hidden: int, d_out: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.pos = nn.Linear(d_hidden, d_out)
        self.neg = nn.Linear(d_hidden, d_out)

    def forward(self, x: Tensor) -> Tensor:
        h = torch.tanh(self.fc1(x))  # (B, H)
        use_pos = h.mean() > 0  # 0-d bool tensor: the decision stays a tensor, not a Python bool
        # both heads run; the 0-d condition broadcasts over (B, O) and picks one of them
        return torch.where(use_pos, self.pos(h), self.neg(h))  # (B, O)


def _batch_dynamic() -> tuple[dict[int, Dim]]:
    """dynamic_shapes for a one-input forward: dim 0 symbolic, every other dim fixed."""
    return ({0: Dim("batch")},)  # positional, so the forward's argument name does not matter


def export_model(model: nn.Module, example: Tensor, path: str) -> None:
    """Export ``model`` on ``example`` with a dynamic batch dimension and save it as a .pt2."""
    # trace to an ExportedProgram; dim 0 is a symbol, not example.shape[0]
    program = torch.export.export(model, (example,), dynamic_shapes=_batch_dynamic())
    # the program itself (graph + weights + input specs), not a state_dict or a pickled module
    torch.export.save(program, path)


def load_exported(path: str) -> Callable[[Tensor], Tensor]:
    """Load a .pt2 written by export_model; return a callable module."""
    # .module() turns the functional ExportedProgram back into a callable nn.Module
    return torch.export.load(path).module()


def exports_cleanly(model: nn.Module, example: Tensor) -> bool:
    """True when torch.export can capture ``model`` with a dynamic batch dimension."""
    try:
        torch.export.export(model, (example,), dynamic_shapes=_batch_dynamic())
    except torch._dynamo.exc.UserError:
        return False
    return True
