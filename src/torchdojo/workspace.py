"""The learner's workspace: copies of starters, the progress database, caches, the daemon socket.

Never writes into the bank. Location: ``--workspace DIR``, else ``$TORCHDOJO_WORKSPACE``, else
``~/torchdojo``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (fast CLI path)
if TYPE_CHECKING:
    from torchdojo.bank import Problem

ENV_VAR = "TORCHDOJO_WORKSPACE"


def default_root() -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else Path.home() / "torchdojo"


class Workspace:
    """A workspace folder (a plain class, not a dataclass: the fast CLI path imports this)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"Workspace({self.root!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Workspace) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    @classmethod
    def open(cls, root: Path | str | None = None) -> Workspace:
        path = Path(root).expanduser() if root else default_root()
        path = path.resolve()
        (path / ".torchdojo").mkdir(parents=True, exist_ok=True)
        return cls(path)

    @property
    def state_dir(self) -> Path:
        return self.root / ".torchdojo"

    @property
    def db_path(self) -> Path:
        return self.state_dir / "progress.sqlite3"

    @property
    def cache_dir(self) -> Path:
        return self.state_dir / "cache"

    @property
    def log_path(self) -> Path:
        return self.state_dir / "daemon.log"

    @property
    def socket_path(self) -> Path:
        """Unix socket of the worker daemon (kept short: sun_path holds 107 bytes)."""
        p = self.state_dir / "worker.sock"
        if len(str(p)) < 100:
            return p
        import hashlib
        import tempfile

        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"torchdojo-{os.getuid()}-{digest}.sock"

    def path_for(self, problem: Problem) -> Path:
        return self.file_for(problem.track, problem.id)

    def file_for(self, track: str, pid: str) -> Path:
        """The learner's file of problem ``pid`` of ``track`` (what ``check`` grades)."""
        return self.root / track / f"{pid}.py"

    def exists(self, problem: Problem) -> bool:
        return self.path_for(problem).exists()

    def start(self, problem: Problem) -> tuple[Path, bool]:
        """Copy the starter in unless the learner already has a file. Returns (path, created)."""
        dest = self.path_for(problem)
        if dest.exists():
            return dest, False
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(problem.starter(), encoding="utf-8")
        return dest, True

    def reset(self, problem: Problem) -> tuple[Path, Path | None]:
        """Overwrite with the starter, keeping the old file as ``<id>.py.bak``."""
        dest = self.path_for(problem)
        backup = None
        if dest.exists():
            backup = dest.with_suffix(".py.bak")
            shutil.copyfile(dest, backup)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(problem.starter(), encoding="utf-8")
        return dest, backup

    def problem_for_path(self, path: Path) -> str | None:
        """The problem id a workspace file belongs to (by name), or None."""
        path = path.resolve()
        if path.suffix != ".py" or self.root not in path.parents:
            return None
        return path.stem
