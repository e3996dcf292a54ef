"""Per-child cgroups for the pids cap and the memory cap (v2 if delegated, else v1).

Used only where the hierarchy is writable by us (root, or a delegated v2 subtree); otherwise the
sandbox falls back to rlimits and says so. A child joins its own group before isolating itself;
the worker reads the OOM counter and removes the group after the child has gone.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PARENT = "torchdojo"
PEAK_SLACK = 0.9  # a peak this close to the memory cap counts as having reached it


def _own_v2_dir() -> Path | None:
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                return ROOT / line[3:].lstrip("/")
    except OSError:
        return None
    return None


def _writable(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


def backend() -> dict[str, Path]:
    """Writable controller roots: {'pids': dir, 'memory': dir} (missing keys = unavailable)."""
    out: dict[str, Path] = {}
    if (ROOT / "cgroup.controllers").exists():  # pure v2
        base = _own_v2_dir()
        if base is not None and _writable(base):
            ctrls = (base / "cgroup.controllers").read_text().split()
            for c in ("pids", "memory"):
                if c in ctrls:
                    out[c] = base
        return out
    for c in ("pids", "memory"):
        d = ROOT / c
        own = None
        try:
            for line in Path("/proc/self/cgroup").read_text().splitlines():
                parts = line.split(":", 2)
                if len(parts) == 3 and c in parts[1].split(","):
                    own = d / parts[2].lstrip("/")
        except OSError:
            own = None
        if own is not None and _writable(own):
            out[c] = own
    return out


class ChildGroup:
    """The cgroup(s) of one sandboxed child, named after its pid."""

    def __init__(self, roots: dict[str, Path], name: str) -> None:
        self.dirs = {c: root / PARENT / name for c, root in roots.items()}

    def create(self, pids_max: int, memory_bytes: int) -> list[str]:
        done = []
        for c, d in self.dirs.items():
            try:
                d.mkdir(parents=True, exist_ok=True)
                if c == "pids":
                    (d / "pids.max").write_text(str(pids_max))
                elif (d / "memory.max").exists():
                    (d / "memory.max").write_text(str(memory_bytes))
                    if (d / "memory.swap.max").exists():
                        (d / "memory.swap.max").write_text("0")
                else:
                    (d / "memory.limit_in_bytes").write_text(str(memory_bytes))
                done.append(c)
            except OSError:
                continue
        return done

    def set_memory(self, memory_bytes: int) -> None:
        d = self.dirs.get("memory")
        if d is None:
            return
        for name in ("memory.max", "memory.limit_in_bytes"):
            if (d / name).exists():
                try:
                    (d / name).write_text(str(memory_bytes))
                except OSError:
                    pass
                return

    def join(self, pid: int = 0) -> None:
        for d in {d for d in self.dirs.values()}:
            (d / "cgroup.procs").write_text(str(pid or os.getpid()))

    def _memory_count(self, sources: tuple[tuple[str, str | None], ...]) -> bool:
        """Whether the first of ``sources`` (a counter file, and the key of its "key value"
        line, or None for a file that holds a bare number) that can be read is above zero."""
        d = self.dirs.get("memory")
        if d is None:
            return False
        for name, key in sources:
            try:
                text = (d / name).read_text()
                if key is None:
                    return int(text.strip() or 0) > 0
                for line in text.splitlines():
                    k, _, v = line.partition(" ")
                    if k == key:
                        return int(v) > 0
            except (OSError, ValueError):
                continue
        return False

    def oom_killed(self) -> bool:
        return self._memory_count((("memory.events", "oom_kill"),
                                   ("memory.oom_control", "oom_kill")))

    def hit_memory_limit(self) -> bool:
        """Whether the group ever reached its memory cap. Without swap the kernel reclaims the
        file pages it can (the child's mapped libraries) before it OOM-kills, so a process at
        its cap on a busy machine can stall past the time limit instead of being killed.

        The counters of hits (v2 memory.events "max", v1 memory.failcnt) are not always raised
        for a charge the kernel satisfied by reclaim, so a peak within ``PEAK_SLACK`` of the cap
        (v2 memory.peak, v1 memory.max_usage_in_bytes) counts too."""
        if self._memory_count((("memory.events", "max"), ("memory.failcnt", None))):
            return True
        peak = self._read_int(("memory.peak", "memory.max_usage_in_bytes"))
        limit = self._read_int(("memory.max", "memory.limit_in_bytes"))
        return peak is not None and limit is not None and peak >= limit * PEAK_SLACK

    def _read_int(self, names: tuple[str, ...]) -> int | None:
        """The bare number in the first of ``names`` that the memory group has ("max" is None)."""
        d = self.dirs.get("memory")
        if d is None:
            return None
        for name in names:
            try:
                return int((d / name).read_text().strip())
            except (OSError, ValueError):
                continue
        return None

    def kill_all(self) -> None:
        """SIGKILL every process in the group(s); keeps the groups for reading counters."""
        for d in self.dirs.values():
            try:
                pids = [int(p) for p in (d / "cgroup.procs").read_text().split()]
            except (OSError, ValueError):
                continue
            for p in pids:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass

    def kill_all_and_remove(self, wait_s: float = 2.0) -> None:
        """Kill every process left in the group(s), then remove them."""
        deadline = time.monotonic() + wait_s
        for d in self.dirs.values():
            while d.exists():
                try:
                    pids = [int(p) for p in (d / "cgroup.procs").read_text().split()]
                except (OSError, ValueError):
                    pids = []
                for p in pids:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    d.rmdir()
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.005)
