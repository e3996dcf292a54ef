"""The light path for ``torchdojo check`` and ``torchdojo list``: no Typer, no Rich, no bank load.

A warm check is a round trip to the grading daemon (tens of milliseconds); the full CLI spends
several times that importing Typer and Rich and parsing every ``problem.toml``. So
:func:`torchdojo.entry.main` hands these two commands here first: the bank comes from its cached
index (:mod:`torchdojo.index`), output from :mod:`torchdojo.termout`. Anything this parser does
not know (another option, ``--help``, ``--cold``, an unknown id, a missing file) returns None and
the full CLI takes the command, with its usual messages - so both paths accept the same words
and this one never has its own error texts.
"""

from __future__ import annotations

import json
import os
import sys

from torchdojo.course import next_problem
from torchdojo.langs import canonical_lang


def _options(args: list[str], flags: set[str], valued: dict[str, str]
             ) -> tuple[list[str], dict[str, str | bool]] | None:
    """Positional arguments and options, or None for anything unknown (the full CLI then says
    what is wrong). ``valued`` maps every spelling of an option that takes a value to its
    name."""
    pos: list[str] = []
    opts: dict[str, str | bool] = {}
    it = iter(args)
    for a in it:
        if a in flags:
            opts[a.lstrip("-")] = True
        elif a.split("=", 1)[0] in valued:
            name, eq, value = a.partition("=")
            if not eq:
                value = next(it, None)  # type: ignore[assignment]
                if value is None:
                    return None
            opts[valued[name]] = value
        elif a.startswith("-"):
            return None
        else:
            pos.append(a)
    return pos, opts


def run(argv: list[str]) -> int | None:
    """Run ``argv`` (without the program name) if it is a plain ``check`` or ``list``; returns
    the exit code, or None to leave the command to the full CLI."""
    workspace = None
    while argv and argv[0].split("=", 1)[0] in ("--workspace", "-w"):
        name, eq, value = argv[0].partition("=")
        if not eq:
            if len(argv) < 2:
                return None
            value, argv = argv[1], argv[1:]
        workspace, argv = value, argv[1:]
    if not argv or argv[0] not in ("check", "list"):
        return None
    from torchdojo.workspace import Workspace

    ws = Workspace.open(workspace)
    if argv[0] == "check":
        parsed = _options(argv[1:], {"--json", "--public"}, {"--file": "file"})
        if parsed is None or len(parsed[0]) != 1:
            return None
        return _check(ws, parsed[0][0], parsed[1])
    parsed = _options(argv[1:], {"--json"}, {"--track": "track", "--lang": "lang",
                                             "-l": "lang"})
    if parsed is None or parsed[0]:
        return None
    return _list(ws, parsed[1])


def _index(ws):  # type: ignore[no-untyped-def]
    from torchdojo import index

    return index.load(ws.cache_dir)


def _store(ws):  # type: ignore[no-untyped-def]
    from torchdojo.store import Store

    return Store(ws.db_path)


def _list(ws, opts: dict) -> int | None:  # type: ignore[no-untyped-def]
    lang = canonical_lang(str(opts.get("lang", "en")))
    problems = _index(ws)["problems"]
    track = opts.get("track")
    if lang is None or (track and not in_track(problems, str(track))):
        return None
    show_list(ws, str(track) if track else None, lang, bool(opts.get("json")))
    return 0


def in_track(problems: list[dict], track: str) -> list[dict]:
    """Index entries of ``track`` (``01_tensors`` or ``tensors``)."""
    return [p for p in problems if track in (p["track"], p["track"].split("_", 1)[1])]


def show_list(ws, track: str | None, lang: str, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """``torchdojo list``: the curriculum, numbered per track, the next problem marked."""
    everything = _index(ws)["problems"]
    problems = in_track(everything, track) if track else everything
    store = _store(ws)
    try:
        statuses, last = store.statuses(), store.last_problem()
    finally:
        store.close()
    if as_json:
        print(json.dumps([{"id": p["id"], "track": p["track"], "number": p["number"],
                           "title": p["title"]["en"], "difficulty": p["difficulty"],
                           "tags": p["tags"], "sources": p["sources"],
                           "status": statuses.get(p["id"], "new")} for p in problems],
                         ensure_ascii=False, indent=1))
        return
    from torchdojo import termout

    nxt = next_problem([(p["id"], p["track"]) for p in everything], statuses, last)
    termout.problem_table(problems, statuses, lang, nxt)


def _check(ws, pid: str, opts: dict) -> int | None:  # type: ignore[no-untyped-def]
    entry = next((p for p in _index(ws)["problems"] if p["id"] == pid), None)
    if entry is None:
        return None
    path = os.fspath(opts["file"]) if "file" in opts else \
        os.fspath(ws.file_for(entry["track"], pid))
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
    except (OSError, UnicodeDecodeError):
        return None  # the full CLI explains (no such file, not UTF-8)
    from torchdojo.grader.client import Grader

    grader = Grader(ws)
    if grader.cold:  # TORCHDOJO_NO_DAEMON: the full CLI grades in-process
        return None
    scope = "public" if opts.get("public") else "all"
    as_json = bool(opts.get("json"))
    spin = not as_json and sys.stderr.isatty()
    if spin:
        sys.stderr.write(f"grading {pid}…")
        sys.stderr.flush()
    try:
        res = grader.grade(pid, source, scope, os.path.basename(path))
    finally:
        if spin:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
    return report(ws, res, scope, as_json)


def report(ws, res, scope: str, as_json: bool) -> int:  # type: ignore[no-untyped-def]
    """Record a check's attempt and print it (with what is next after a pass); the exit code."""
    store = _store(ws)
    try:
        store.record_attempt(res, scope)
        statuses = store.statuses() if res.passed and scope == "all" else {}
    finally:
        store.close()
    if as_json:
        print(res.to_json())
        return 0 if res.passed else 1
    from torchdojo import termout

    out = termout.Writer()
    termout.result(res.to_dict(), out)
    if res.passed and scope == "all":
        order = [(p["id"], p["track"]) for p in _index(ws)["problems"]]
        nxt = next_problem(order, statuses, res.problem)
        if nxt:
            out.line(("solved!", "green"), " next: ", (nxt, "bold"),
                     f"   (torchdojo show {nxt})")
        else:
            out.line(("solved!", "green"), " that was the last unsolved problem.")
    return 0 if res.passed else 1
