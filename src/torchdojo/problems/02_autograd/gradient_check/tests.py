"""Probes for gradient_check: numerical_grad accuracy, no writes to x, check_gradients verdicts."""

import torch

from torchdojo.probes import compare, probe

# numerical_grad is compared with the reference's (itself within ~1e-9 of the exact gradient); a
# forward difference is off by ~1e-6 here, float32 arithmetic by ~1e-1.
_TOL = {"rtol": 1e-7, "atol": 1e-7}


def _cube(t):
    return (t ** 3).sum()


def _wavy(t):
    return (torch.sin(2 * t) * t).sum()


def _lse(t):
    w = torch.linspace(-1.0, 1.0, t.shape[-1] * 3, dtype=t.dtype).reshape(t.shape[-1], 3)
    return torch.logsumexp(t @ w, dim=-1).sum()


# Custom Functions with hand-written backwards, one correct and three wrong ones.
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x ** 2


class CubeWrongPower(Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x ** 2


class CubeIgnoresUpstream(Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2


class CubeSlightlyOff(Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3.003 * x ** 2  # 0.1 % too large


_WHAT = {
    "correct": "a correct custom Function",
    "wrong_power": "a backward of 2x^2 instead of 3x^2",
    "ignores_upstream": "a backward that ignores grad_output",
    "slightly_off": "a backward 0.1% too large",
    "builtin_tanh": "torch.tanh (built-in, correct)",
}


def _close_judge(got, ref):
    """Like the default comparison, but prints enough digits to show a 1e-6 difference."""
    if isinstance(ref, dict):  # the probe returned a dict of gradients
        pairs = [(k, got.get(k) if isinstance(got, dict) else None) for k in ref]
    else:
        pairs = [("", got)]
    for key, g in pairs:
        r = ref[key] if key else ref
        where = f"[{key!r}] " if key else ""
        if not isinstance(g, torch.Tensor):
            return f"{where}expected a tensor, got {type(g).__name__}"
        msg = compare(g, r, **_TOL)
        if msg is None:
            continue
        if g.shape != r.shape or g.dtype != r.dtype:
            return where + msg
        diff = (g - r).abs().nan_to_num(nan=float("inf"))
        i = tuple(int(v) for v in torch.nonzero(diff == diff.max())[0])
        return (f"{where}max abs difference from the reference gradient is {float(diff.max()):.3g} "
                f"(allowed ~{_TOL['atol']:g} + {_TOL['rtol']:g}*|ref|); at index {i}: "
                f"expected {float(r[i]):.10g}, got {float(g[i]):.10g}")
    return None


def _weighted(fn, w):
    return lambda t: (fn(t) * w).sum()


@probe(public=True, judge=_close_judge)
def numerical_grad_cube(m):
    "numerical_grad of sum(x**3) at a float64 3x4 leaf, within 1e-7 of the reference"
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    return m.numerical_grad(_cube, x)


@probe(judge=_close_judge)
def numerical_grad_three_functions(m):
    "numerical_grad of three smooth functions (one at a non-contiguous x), within 1e-7"
    x = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    xt = torch.randn(4, 3, dtype=torch.float64).T.requires_grad_()  # (3, 4), non-contiguous
    return {"wavy": m.numerical_grad(_wavy, x), "lse": m.numerical_grad(_lse, xt),
            "cube": m.numerical_grad(_cube, x)}


@probe(judge=_close_judge)
def numerical_grad_float32_input(m):
    "a float32 input: the result is float64 and as accurate as for a float64 input"
    x = torch.randn(2, 4, requires_grad=True)
    return m.numerical_grad(_wavy, x)


def _untouched_judge(got, ref):
    if got["version_change"]:
        return (f"x was written in place (its version counter rose by {got['version_change']}): "
                "perturb a copy, not x")
    msg = compare(got["x"], ref["x"], rtol=0.0, atol=0.0)
    if msg:
        return f"x was modified: {msg}"
    if got["x_grad"] is not None:
        return "x.grad was filled in: take the analytic gradient without touching x.grad"
    return (_close_judge({"num": got["num"]}, {"num": ref["num"]})
            or compare(got["check"], ref["check"], path="check_gradients"))


@probe(judge=_untouched_judge)
def input_left_untouched(m):
    "a float64 leaf with requires_grad: no error, x not written to, x.grad still None"
    x = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    v0 = x._version
    num = m.numerical_grad(_wavy, x)
    check = m.check_gradients(_wavy, x)
    return {"x": x.detach().clone(), "version_change": x._version - v0, "x_grad": x.grad,
            "num": num, "check": check}


def _verdicts_judge(got, ref):
    for key, what in _WHAT.items():
        mine, theirs = got["check_gradients"][key], ref["gradcheck"][key]
        if not isinstance(mine, bool):
            return f"check_gradients must return a bool, got {type(mine).__name__} for {what}"
        if mine != theirs:
            return (f"check_gradients returned {mine} for {what}; torch.autograd.gradcheck "
                    f"(same atol/rtol) says {theirs}")
    return None


@probe(public=True, judge=_verdicts_judge)
def detects_wrong_backward(m):
    "check_gradients on a correct and three wrong custom Functions agrees with gradcheck"
    x = torch.randn(6, dtype=torch.float64, requires_grad=True)
    w = torch.randn(6, dtype=torch.float64)  # non-uniform weights: grad_output is not all ones
    fns = {"correct": _weighted(Cube.apply, w),
           "wrong_power": _weighted(CubeWrongPower.apply, w),
           "ignores_upstream": _weighted(CubeIgnoresUpstream.apply, w),
           "slightly_off": _weighted(CubeSlightlyOff.apply, w),
           "builtin_tanh": _weighted(torch.tanh, w)}
    ours = {k: m.check_gradients(f, x) for k, f in fns.items()}
    ref = {k: torch.autograd.gradcheck(f, (x,), atol=1e-5, rtol=1e-4, raise_exception=False)
           for k, f in fns.items()}
    return {"check_gradients": ours, "gradcheck": ref}


@probe
def tolerances_are_used(m):
    "the 0.1%-off backward passes with rtol=1e-2 or atol=1.0, and fails with the defaults"
    x = torch.randn(6, dtype=torch.float64, requires_grad=True)
    w = torch.randn(6, dtype=torch.float64)
    f = _weighted(CubeSlightlyOff.apply, w)
    return {"defaults": m.check_gradients(f, x),
            "rtol=1e-2": m.check_gradients(f, x, rtol=1e-2),
            "atol=1.0": m.check_gradients(f, x, atol=1.0)}


@probe(judge=_close_judge)
def eps_is_used(m):
    "numerical_grad with a non-default eps=1e-2 (the step size changes the result)"
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    return {"eps=1e-2": m.numerical_grad(_cube, x, eps=1e-2),
            "eps=1e-3": m.numerical_grad(_wavy, x, eps=1e-3)}


class CubeTenTimes(Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 30 * x ** 2  # 10 times too large


class CubeTenthOf(Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 0.3 * x ** 2  # 10 times too small


_WHAT_RTOL = {"ten_times": "a backward 10 times too large",
              "tenth": "a backward 10 times too small"}


def _rtol_judge(got, ref):
    for key, what in _WHAT_RTOL.items():
        mine, theirs = got["check_gradients"][key], ref["gradcheck"][key]
        if not isinstance(mine, bool):
            return f"check_gradients must return a bool, got {type(mine).__name__} for {what}"
        if mine != theirs:
            return (f"check_gradients(atol=0, rtol=0.95) returned {mine} for {what}; "
                    f"torch.autograd.gradcheck with the same tolerances says {theirs}")
    return None


@probe(judge=_rtol_judge)
def rtol_scales_the_numerical_gradient(m):
    "atol=0, rtol=0.95 on backwards 10x too large and 10x too small: agrees with gradcheck"
    x = torch.randn(5, dtype=torch.float64, requires_grad=True)
    w = torch.randn(5, dtype=torch.float64)
    fns = {"ten_times": _weighted(CubeTenTimes.apply, w),
           "tenth": _weighted(CubeTenthOf.apply, w)}
    ours = {k: m.check_gradients(f, x, atol=0.0, rtol=0.95) for k, f in fns.items()}
    ref = {k: torch.autograd.gradcheck(f, (x,), atol=0.0, rtol=0.95, raise_exception=False)
           for k, f in fns.items()}
    return {"check_gradients": ours, "gradcheck": ref}
