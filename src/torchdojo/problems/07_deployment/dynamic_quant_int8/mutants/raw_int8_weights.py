"""MUTANT: the seed's missing quant/dequant boundary, by hand: each Linear weight is rounded to
an int8 tensor with its scale thrown away and nothing to turn it back into float, so the model
cannot run on float input (a dtype mismatch in the matmul)."""

import copy
import io

import torch
from torch import nn


def state_dict_bytes(model: nn.Module) -> int:
    """Size of ``model.state_dict()`` as serialised by ``torch.save``, in bytes."""
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return len(buf.getvalue())


def quantize_and_compare(model: nn.Module, x: torch.Tensor, mode: str = "dynamic"
                         ) -> tuple[nn.Module, dict]:
    """Round every Linear weight to int8 in a copy; report sizes and the output error."""
    if mode not in ("dynamic", "weight_only"):
        raise ValueError(f"unknown mode {mode!r}")
    fp32 = copy.deepcopy(model).eval()
    qmodel = copy.deepcopy(model).eval()
    for lin in qmodel.modules():
        if isinstance(lin, nn.Linear):
            w = lin.weight.detach()
            scale = w.abs().amax(dim=1, keepdim=True) / 127  # (out, 1)
            q = torch.round(w / scale).clamp(-128, 127).to(torch.int8)
            lin.weight = nn.Parameter(q, requires_grad=False)
    with torch.inference_mode():
        y_fp32 = fp32(x)
        y_int8 = qmodel(x)
    report = {
        "fp32_bytes": state_dict_bytes(fp32),
        "int8_bytes": state_dict_bytes(qmodel),
        "max_abs_err": (y_fp32 - y_int8).abs().max().item(),
    }
    return qmodel, report
