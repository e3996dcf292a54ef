"""The API a problem's ``tests.py`` is written in.

A probe is a function ``probe(m)`` that takes the learner's module ``m``, builds seeded inputs,
calls the learner's code and returns *observations*: tensors, numbers, strings, bools, None, and
lists/tuples/dicts of them. The grader runs every probe twice -- on the learner's file inside the
sandbox and on the reference ``solution.py`` -- and then, outside the sandbox, compares the two
observations (``compare``) or hands the learner's observation to the probe's ``judge``.

Probes never assert: a probe that wants to check a property returns the raw data the property is
about (the tensor before and after a call, the gradient, the exception type name) and lets the
comparison or a judge decide. Anything that runs in the learner's process can be patched by the
learner; only the worker's verdict counts.

Usage in ``tests.py``::

    from torchdojo.probes import probe, raised  # also module_source, parse_source, used_name

    @probe(public=True)
    def square_input(m):
        "a seeded 3x3 matrix"
        a = torch.randn(3, 3)
        return m.gram(a)

    @probe(judge=lambda got, ref: None if got["after"] ... else "input was modified")
    def no_mutation(m): ...
"""

from __future__ import annotations

import ast
import inspect
import linecache
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Judge = Callable[[Any, Any], "str | None"]


@dataclass
class Probe:
    """One test: how to observe (``fn``) and how the observation is judged."""

    name: str
    fn: Callable[[Any], Any]
    description: str = ""
    public: bool = False
    rtol: float | None = None
    atol: float | None = None
    check_dtype: bool = True
    judge: Judge | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def probe(
    fn: Callable[[Any], Any] | None = None,
    *,
    public: bool = False,
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    judge: Judge | None = None,
) -> Any:
    """Mark a function in ``tests.py`` as a probe.

    ``rtol``/``atol`` are the tolerances of ``torch.testing.assert_close``'s rule
    ``|got - ref| <= atol + rtol * |ref|`` (None: torch's defaults for the dtype).
    ``judge(got, ref)`` replaces the comparison: it receives the learner's and the reference's
    observations and returns None for a pass or a one-line message for a fail.
    The probe's docstring (first line) describes the test to the learner.
    """

    def wrap(f: Callable[[Any], Any]) -> Probe:
        doc = (f.__doc__ or "").strip().splitlines()
        return Probe(
            name=f.__name__,
            fn=f,
            description=doc[0] if doc else "",
            public=public,
            rtol=rtol,
            atol=atol,
            check_dtype=check_dtype,
            judge=judge,
        )

    return wrap(fn) if fn is not None else wrap


def collect(namespace: dict[str, Any]) -> list[Probe]:
    """The probes defined in a tests module's namespace, in definition order."""
    return [v for v in namespace.values() if isinstance(v, Probe)]


def raised(call: Callable[[], Any]) -> str | None:
    """Run ``call`` and return the name of the exception class it raised, or None.

    For probes that check a function rejects bad input: ``return raised(lambda: m.f(bad))``.
    """
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the type name is the observation
        return type(exc).__name__
    return None


def module_source(m: Any) -> str:
    """Probe side: the text of the learner's module, as an observation for a code-reading judge.

    ``inspect.getsource`` first; the loader's line cache when the module has no file on disk.
    """
    try:
        return inspect.getsource(m)
    except (OSError, TypeError):
        return "".join(linecache.getlines(getattr(m, "__file__", None) or ""))


def parse_source(got: Any) -> tuple[ast.Module | None, str | None]:
    """Judge side: ``(tree, None)`` for a source observation, or ``(None, why not)``."""
    if not isinstance(got, str) or not got.strip():
        return None, f"could not read the module's source (got {type(got).__name__})"
    try:
        return ast.parse(got), None
    except SyntaxError as exc:
        return None, f"the module's source could not be parsed ({exc.msg})"


def used_name(node: ast.AST, bare: bool = False) -> str | None:
    """The library name a node refers to, for judges that ban shortcuts: ``torch.cdist`` and
    ``from torch import cdist`` give cdist; a bare name ``cdist`` only with ``bare=True`` (a
    local variable may well be called ``dist``); None for other nodes."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.alias):
        return node.name.rsplit(".", 1)[-1]
    if bare and isinstance(node, ast.Name):
        return node.id
    return None


def compare(got: Any, ref: Any, *, rtol: float | None = None, atol: float | None = None,
            check_dtype: bool = True, path: str = "") -> str | None:
    """Compare an observation with the reference's; None if they agree, else a message.

    Imported lazily so ``tests.py`` files can be loaded where only the worker's torch exists.
    """
    from torchdojo.grader.compare import compare as _compare

    return _compare(got, ref, rtol=rtol, atol=atol, check_dtype=check_dtype, path=path)
