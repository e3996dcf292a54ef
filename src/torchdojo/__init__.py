"""torchdojo: offline, auto-graded PyTorch practice.

Notebook API::

    import torchdojo
    res = torchdojo.check("tensor_numpy_bridge", my_module)      # a module
    res = torchdojo.check("tensor_numpy_bridge", "path/to/file.py")
    res = torchdojo.check("gram_matrix", gram)                    # a function or class

Only the *source* is sent to the sandboxed grader, never the object. For functions and classes
the source is preceded by the usual imports (torch, nn, F, numpy as np, math).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (fast CLI path)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from torchdojo.results import Result, TestResult

__all__ = ["check", "Result", "TestResult", "source_of"]
__version__ = "0.1.0"

PRELUDE = ("import math\nimport numpy as np\nimport torch\nimport torch.nn as nn\n"
           "import torch.nn.functional as F\n\n")


def __getattr__(name: str) -> Any:
    """``torchdojo.Result`` and ``TestResult`` on first use: importing the package stays light
    (every CLI command imports it; ``list`` never needs the result classes)."""
    if name in ("Result", "TestResult"):
        from torchdojo import results

        return getattr(results, name)
    raise AttributeError(f"module 'torchdojo' has no attribute {name!r}")


def source_of(*objs: Any) -> str:
    """The source to grade for a module, a path, or functions/classes (with a prelude)."""
    import inspect
    import types
    from pathlib import Path

    if len(objs) == 1 and isinstance(objs[0], str | Path) and Path(objs[0]).exists():
        return Path(objs[0]).read_text(encoding="utf-8")
    if len(objs) == 1 and isinstance(objs[0], types.ModuleType):
        return inspect.getsource(objs[0])
    parts = []
    for obj in objs:
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            raise TypeError(f"cannot grade {obj!r}: pass a module, a file path, or functions/"
                            "classes")
        parts.append(inspect.getsource(obj))
    return PRELUDE + "\n\n".join(parts)


def check(problem_id: str, *objs: Any, scope: str = "all", workspace: str | Path | None = None,
          record: bool = True) -> Result:
    """Grade ``objs`` against a problem; returns the Result (and records the attempt)."""
    from torchdojo.grader.client import Grader
    from torchdojo.store import Store
    from torchdojo.workspace import Workspace

    ws = Workspace.open(workspace)
    res = Grader(ws).grade(problem_id, source_of(*objs), scope)
    if record:
        store = Store(ws.db_path)
        try:
            store.record_attempt(res, scope)
        finally:
            store.close()
    return res
