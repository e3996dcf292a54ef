"""Probes for tensor_first_steps: values, dtypes and shapes against the reference, the global
random state after random_3x3, copies vs views for corners, and which tensor each add changed."""

import torch

from torchdojo.probes import probe


@probe(public=True)
def random_3x3_seeded(m):
    "random_3x3 for seeds 0, 7 and 7 again: values, dtype and shape"
    return [m.random_3x3(0), m.random_3x3(7), m.random_3x3(7)]


@probe
def random_3x3_leaves_global_state(m):
    "after random_3x3(5), the global generator gives the numbers it would have given anyway"
    torch.manual_seed(1234)
    m.random_3x3(5)
    return torch.rand(4)


@probe(public=True)
def grid_shapes(m):
    "grid(3, 4), grid(1, 5) and grid(4, 1): values, int64 dtype, row-by-row layout"
    return [m.grid(3, 4), m.grid(1, 5), m.grid(4, 1)]


@probe
def corners_values(m):
    "corners of a 4x5 and a 2x2 tensor"
    return [m.corners(torch.arange(20).reshape(4, 5)), m.corners(torch.randn(2, 2))]


@probe
def corners_of_thin_tensors(m):
    "corners of a 1x4 row and a 3x1 column (the same element may be a corner twice)"
    return [m.corners(torch.arange(4.0).reshape(1, 4)), m.corners(torch.arange(3.0).reshape(3, 1))]


@probe
def corners_is_a_copy(m):
    "a write into the input after corners() does not change the returned corners"
    t = torch.arange(12.0).reshape(3, 4)
    c = m.corners(t)
    t.fill_(-1.0)
    return c


@probe
def add_out_of_place_new_tensor(m):
    "add_out_of_place with a broadcast row: the result, the input afterwards, a new object"
    t, v = torch.ones(2, 3), torch.tensor([1.0, 2.0, 3.0])
    out = m.add_out_of_place(t, v)
    return {"out": out, "t after": t, "same object": out is t}


@probe
def add_in_place_same_tensor(m):
    "add_in_place: the caller's tensor afterwards, and whether the result is that very tensor"
    t, v = torch.zeros(2, 2), torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    out = m.add_in_place(t, v)
    return {"t after": t.clone(), "same object": out is t}


@probe
def add_in_place_through_a_view(m):
    "add_in_place on a row view changes the tensor the view belongs to"
    base = torch.zeros(3, 2)
    m.add_in_place(base[1], torch.tensor([5.0, 6.0]))
    return base
