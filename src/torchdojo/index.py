"""A cached summary of the bank for the fast commands (``list`` and ``check``).

Loading the bank parses every ``problem.toml`` (and importing ``tomllib`` alone costs tens of
milliseconds on a small machine); the two commands a learner runs most need only each problem's
id, track, place, title and difficulty. This module keeps those in a ``marshal`` file in the
workspace's cache, stamped with the size and mtime of every ``problem.toml`` and
``track.toml``: a stat per folder tells whether it is still right, and it is rebuilt from the
:class:`~torchdojo.bank.Bank` when anything changed. It imports nothing heavy itself.
"""

from __future__ import annotations

import marshal
import os

BANK_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "problems")
VERSION = 2
NAME = "bank-index.marshal"


def is_track(name: str) -> bool:
    """A track folder's name: ``NN_name`` (two digits, an underscore, a lower-case name)."""
    return len(name) > 3 and name[:2].isdigit() and name[2] == "_" and name[3].islower() and \
        all(c.islower() or c.isdigit() or c == "_" for c in name[3:]) and name.isascii()


def _stamp(root: str) -> tuple:
    """(path, size, mtime_ns) of every track.toml and problem.toml under ``root``."""
    out = []
    for track in sorted(e.name for e in os.scandir(root) if e.is_dir() and is_track(e.name)):
        tdir = os.path.join(root, track)
        for name in sorted(e.name for e in os.scandir(tdir) if e.is_dir()) + [""]:
            f = os.path.join(tdir, name, "problem.toml") if name else \
                os.path.join(tdir, "track.toml")
            try:
                st = os.stat(f)
            except OSError:
                continue
            out.append((f, st.st_size, st.st_mtime_ns))
    return tuple(out)


def _build(root: str, stamp: tuple) -> dict:
    from pathlib import Path

    from torchdojo.bank import Bank, to_traditional

    bank = Bank(Path(root))
    tracks = [{"name": t.name, "title": {"en": t.title["en"], "zh-Hans": t.title["zh"],
                                         "zh-Hant": to_traditional(t.title["zh"])}}
              for t in bank.track_info.values()]
    problems = [{"id": p.id, "track": p.track, "number": bank.number[p.id],
                 "title": {"en": p.title["en"], "zh-Hans": p.title["zh"],
                           "zh-Hant": to_traditional(p.title["zh"])},
                 "difficulty": p.difficulty, "tags": list(p.tags), "sources": list(p.sources)}
                for p in bank]
    return {"version": VERSION, "root": root, "stamp": stamp, "tracks": tracks,
            "problems": problems}


def load(cache_dir: str | os.PathLike, root: str | os.PathLike = BANK_ROOT) -> dict:
    """``{"tracks": [...], "problems": [...]}`` in curriculum order, from the cache when it is
    current, else rebuilt (and saved; a cache that cannot be written is only a slower start)."""
    root = os.fspath(root)
    stamp = _stamp(root)
    path = os.path.join(os.fspath(cache_dir), NAME)
    try:
        with open(path, "rb") as f:
            data = marshal.load(f)
        if data.get("version") == VERSION and data.get("root") == root and \
                data.get("stamp") == stamp:
            return data
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        pass
    data = _build(root, stamp)
    try:
        os.makedirs(os.fspath(cache_dir), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            marshal.dump(data, f)
        os.replace(tmp, path)
    except OSError:
        pass
    return data
