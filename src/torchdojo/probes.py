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

    @source_probe
    def no_python_loops(source):
        "the module has no Python loops"
        tree, why = parse_source(source)
        ...

A ``source_probe`` reads the text that was submitted, which the worker holds; it never runs in
the learner's process, so nothing the learner's code does (rewriting ``linecache``, reporting
another text) changes what it reads. ``python_loops`` and ``shortcut`` find the usual ways round
a ban (a loop inside ``map``, ``getattr(torch, "cd" + "ist")``, ``eval``).
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
    source_judge: Callable[[str], str | None] | None = None  # reads the submitted text

    @property
    def runs_in_child(self) -> bool:
        """Whether the probe runs the learner's code (a source probe only reads its text)."""
        return self.source_judge is None


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


def source_probe(fn: Callable[[str], str | None] | None = None, *, public: bool = False
                 ) -> Any:
    """Mark ``fn(source) -> str | None`` in ``tests.py`` as a test of the submitted text.

    It runs outside the sandbox, on the source the learner submitted (never on anything the
    learner's process reports), under the judges' time and memory limits; None is a pass.
    """

    def wrap(f: Callable[[str], str | None]) -> Probe:
        doc = (f.__doc__ or "").strip().splitlines()
        return Probe(name=f.__name__, fn=_not_in_child, description=doc[0] if doc else "",
                     public=public, source_judge=f)

    return wrap(fn) if fn is not None else wrap


def _not_in_child(m: Any) -> None:
    raise RuntimeError("a source probe is judged by the worker, not run in the child")


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
    """Probe side: the text of the learner's module, for a probe that runs it as a script.

    Not for judging the text: the learner's process can report anything here (use a
    ``source_probe``, which reads what was submitted). ``inspect.getsource`` first; the loader's
    line cache when the module has no file on disk.
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


_LOOP_NODES = {ast.For: "a for loop", ast.AsyncFor: "an async for loop", ast.While: "a while loop",
               ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
               ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression"}
# calls that loop in Python over their argument
_LOOP_CALLS = {"map": "map()", "filter": "filter()", "reduce": "functools.reduce()",
               "apply_": "Tensor.apply_()", "starmap": "itertools.starmap()",
               "accumulate": "itertools.accumulate()"}
# ways to reach a name the source does not spell out
_DYNAMIC_NAMES = {"getattr", "setattr", "eval", "exec", "compile", "__import__", "globals",
                  "vars", "locals", "__builtins__", "importlib", "builtins"}
_DYNAMIC_ATTRS = {"__dict__", "__getattribute__", "attrgetter", "methodcaller", "import_module",
                  "__builtins__", "__import__", "getattr"}


def python_loops(tree: ast.AST) -> str | None:
    """The first Python-level loop in ``tree`` ("a for loop at line 3"), or None.

    Counts statements and comprehensions, the builtins and library calls that loop over their
    argument (``map``, ``filter``, ``reduce``, ``Tensor.apply_``), and a function that calls
    itself (a loop by recursion).
    """
    for node in ast.walk(tree):
        for kind, what in _LOOP_NODES.items():
            if isinstance(node, kind):
                return f"{what} at line {node.lineno}"
        if isinstance(node, ast.Call):
            name = used_name(node.func, bare=True)
            if name in _LOOP_CALLS:
                return f"{_LOOP_CALLS[name]} at line {node.lineno}"
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                        and inner.func.id == node.name):
                    return f"recursion in {node.name}() at line {inner.lineno}"
    return None


def shortcut(tree: ast.AST, banned: set[str], bare: bool = False) -> str | None:
    """Where ``tree`` uses a banned library name, or reaches names dynamically; None if nowhere.

    Finds ``torch.cdist``, ``from torch import cdist as c``, the name as a string
    (``getattr(torch, "cdist")``; not in docstrings or longer messages), and the lookups that hide
    it (``getattr`` with any name, ``eval``/``exec``, ``__import__``, ``importlib``,
    ``__dict__``, ``vars()``/``globals()``, ``sys.modules``, ``operator.attrgetter``). A bare
    name counts only with ``bare=True`` (a local variable may share the name).
    """
    docstrings = {id(n.value) for n in ast.walk(tree)
                  if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        name = used_name(node, bare=bare)
        if name in banned:
            return f"'{name}' at line {line}"
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings and node.value.strip() in banned):
            return f"the string {node.value[:40]!r} at line {line}"
        if isinstance(node, ast.alias) and node.name.split(".")[0] in ("importlib", "builtins"):
            return f"'import {node.name}' at line {line}"
        if isinstance(node, ast.Name) and node.id in _DYNAMIC_NAMES or (
                isinstance(node, ast.Attribute) and (node.attr in _DYNAMIC_ATTRS or (
                    node.attr == "modules" and isinstance(node.value, ast.Name)
                    and node.value.id == "sys"))):
            what = node.id if isinstance(node, ast.Name) else node.attr
            return f"a dynamic name lookup ('{what}') at line {line}"
    return None


def compare(got: Any, ref: Any, *, rtol: float | None = None, atol: float | None = None,
            check_dtype: bool = True, path: str = "") -> str | None:
    """Compare an observation with the reference's; None if they agree, else a message.

    Imported lazily so ``tests.py`` files can be loaded where only the worker's torch exists.
    """
    from torchdojo.grader.compare import compare as _compare

    return _compare(got, ref, rtol=rtol, atol=atol, check_dtype=check_dtype, path=path)
