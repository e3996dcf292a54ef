"""Probes for nchw_to_nhwc: shapes, values, contiguity and round trips."""

import torch

from torchdojo.probes import probe


@probe(public=True)
def to_nhwc_values(m):
    "nchw_to_nhwc on a seeded (2, 3, 4, 5) batch: shape and values"
    return m.nchw_to_nhwc(torch.randn(2, 3, 4, 5))


@probe(public=True)
def to_nchw_values(m):
    "nhwc_to_nchw on a seeded (2, 4, 5, 3) batch: shape and values"
    return m.nhwc_to_nchw(torch.randn(2, 4, 5, 3))


@probe
def square_images(m):
    "both directions on square images (H == W), where a wrong dim order keeps the right shape"
    x = torch.randn(2, 3, 4, 4)
    y = torch.randn(3, 4, 4, 2)
    return {"nchw_to_nhwc": m.nchw_to_nhwc(x), "nhwc_to_nchw": m.nhwc_to_nchw(y)}


@probe
def results_are_contiguous(m):
    "both results are contiguous in memory (is_contiguous() is True)"
    a = m.nchw_to_nhwc(torch.randn(2, 3, 4, 5))
    b = m.nhwc_to_nchw(torch.randn(2, 4, 5, 3))
    return {"nchw_to_nhwc(...).is_contiguous()": a.is_contiguous(),
            "nhwc_to_nchw(...).is_contiguous()": b.is_contiguous()}


@probe
def round_trips(m):
    "nhwc_to_nchw(nchw_to_nhwc(x)) gives x back, and the other way round"
    x = torch.randn(3, 2, 5, 4)
    y = torch.randn(2, 5, 4, 3)
    return {"NCHW -> NHWC -> NCHW": m.nhwc_to_nchw(m.nchw_to_nhwc(x)),
            "NHWC -> NCHW -> NHWC": m.nchw_to_nhwc(m.nhwc_to_nchw(y))}


@probe
def non_contiguous_input(m):
    "an input that is itself a transposed view, and a one-image int batch"
    x = torch.randn(2, 5, 4, 3).transpose(1, 3)  # (2, 3, 4, 5), not contiguous
    img = torch.randint(0, 256, (1, 3, 2, 3), dtype=torch.uint8)
    return {"transposed view": m.nchw_to_nhwc(x), "uint8 image": m.nchw_to_nhwc(img)}


@probe
def empty_batch(m):
    "both directions on an empty batch (B = 0)"
    return {"nchw_to_nhwc": m.nchw_to_nhwc(torch.randn(0, 3, 4, 5)),
            "nhwc_to_nchw": m.nhwc_to_nchw(torch.randn(0, 4, 5, 3))}


@probe
def gradient_flows_back(m):
    "for an input that requires grad, the gradient of a weighted sum of the result reaches it"
    x = torch.randn(2, 3, 4, 5, requires_grad=True)
    y = torch.randn(2, 4, 5, 3, requires_grad=True)
    (m.nchw_to_nhwc(x) * torch.randn(2, 4, 5, 3)).sum().backward()
    (m.nhwc_to_nchw(y) * torch.randn(2, 3, 4, 5)).sum().backward()
    return {"grad of the NCHW input": x.grad, "grad of the NHWC input": y.grad}


@probe
def meta_device(m):
    "an input on the meta device: the result stays there, with the right shape and contiguity"
    a = m.nchw_to_nhwc(torch.empty(2, 3, 4, 5, device="meta"))
    b = m.nhwc_to_nchw(torch.empty(2, 4, 5, 3, device="meta"))
    return {name: (str(t.device), tuple(t.shape), t.is_contiguous())
            for name, t in (("nchw_to_nhwc", a), ("nhwc_to_nchw", b))}
