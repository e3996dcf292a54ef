"""Probes for dtype_promotion: a table of dtype pairs, 0-dim cases, shapes that do not broadcast,
and no built-in shortcut."""

import torch

from torchdojo.probes import parse_source, probe, shortcut, source_probe

FORBIDDEN = ("result_type", "promote_types")


def _label(t):
    return f"{str(t.dtype).removeprefix('torch.')} {tuple(t.shape)}"


def _table(m, pairs):
    """{'int32 (3,) + float64 ()': dtype} for each (dtype_a, shape_a, dtype_b, shape_b)."""
    out = {}
    for da, sa, db, sb in pairs:
        a, b = torch.ones(sa, dtype=da), torch.ones(sb, dtype=db)
        out[f"{_label(a)} + {_label(b)}"] = m.result_dtype(a, b)
    return out


def _same_dtypes(got, ref):
    """Per pair: the learner's dtype (sent as a string) must equal the reference's."""
    for key, want in ref.items():
        have = got.get(key) if isinstance(got, dict) else None
        if have != want:
            shown = have if isinstance(have, str) else repr(have)
            return f"{key}: expected {want}, got {shown}"
    return None


V = (3,)  # a tensor with a dim
S = ()  # a 0-dim tensor
b8, u8, i8, i16, i32, i64 = torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64
f16, bf16, f32, f64 = torch.float16, torch.bfloat16, torch.float32, torch.float64


@probe(public=True, judge=_same_dtypes)
def across_categories(m):
    "same-shape pairs from different categories: int with float, bool with int, bool with float"
    return _table(m, [(i64, V, f32, V), (i32, V, f64, V), (f16, V, i64, V), (b8, V, i32, V),
                      (u8, V, b8, V), (b8, V, f16, V), (i16, V, i16, V), (b8, V, b8, V)])


@probe(judge=_same_dtypes)
def within_integers(m):
    "same-shape integer pairs: mixed widths, and signed with unsigned"
    return _table(m, [(u8, V, i8, V), (i8, V, u8, V), (u8, V, i16, V), (i32, V, u8, V),
                      (i8, V, i64, V), (i32, V, i16, V), (u8, V, u8, V)])


@probe(judge=_same_dtypes)
def within_floats(m):
    "same-shape floating pairs, including float16 with bfloat16"
    return _table(m, [(f16, V, bf16, V), (bf16, V, f16, V), (bf16, V, f32, V),
                      (f16, V, f64, V), (f64, V, f32, V)])


@probe(public=True, judge=_same_dtypes)
def zero_dim_same_category(m):
    "a 0-dim tensor with an n-dim tensor of the same or a higher category"
    return _table(m, [(f64, S, f32, V), (f16, V, f64, S), (u8, V, i64, S), (i8, V, u8, S),
                      (i32, V, b8, S), (bf16, (2, 2), f16, S)])


@probe(judge=_same_dtypes)
def zero_dim_higher_category(m):
    "a 0-dim tensor of a higher category than the n-dim tensor"
    return _table(m, [(i32, V, f64, S), (f64, S, i32, V), (i64, V, f32, S), (i64, V, f16, S),
                      (b8, V, i64, S), (b8, V, f64, S), (u8, S, b8, V)])


@probe(judge=_same_dtypes)
def both_zero_dim(m):
    "two 0-dim tensors"
    return _table(m, [(u8, S, i8, S), (i64, S, f16, S), (f16, S, bf16, S), (f64, S, f32, S),
                      (b8, S, i16, S)])


@probe(judge=_same_dtypes)
def one_element_still_has_dims(m):
    "tensors of shape (1,) or (0,) count as tensors with dims, not as 0-dim"
    return _table(m, [(f64, (1,), f32, V), (f32, V, f64, (1,)), (i64, (1, 1), f16, V),
                      (f32, (0,), f64, S), (i32, (1,), f64, (1,))])


@probe(judge=_same_dtypes)
def shapes_that_do_not_broadcast(m):
    "pairs whose shapes do not broadcast still get the dtype the rules give"
    return _table(m, [(u8, (2,), i8, V), (i32, (2, 3), f16, (4,)), (f32, (0,), i64, V),
                      (b8, (4, 1), i16, (2, 3))])


@source_probe
def no_builtin_promotion(source):
    "the module does not use torch.result_type or torch.promote_types"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, set(FORBIDDEN), bare=True)
    if found:
        return (f"uses {found}: work the dtype out from the promotion rules instead of torch's "
                "own promotion functions")
    return None
