"""Plain terminal output for the two commands run most: the problem table and a check's result.

Rich renders the rest of the CLI, but it costs half a second to import and lay out a table of a
few hundred rows on a small machine; this writes the same information with ANSI colours (only
to a terminal, never with ``NO_COLOR`` set) and CJK-aware column widths, in a few milliseconds.
Everything a submission produced (test messages, output) is already cleaned of escape sequences
by :mod:`torchdojo.results`; colours are added here, around it, never from it.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Iterable, Sequence

CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "magenta": "35",
         "bold green": "1;32", "bold red": "1;31", "bold magenta": "1;35"}
STATUS_STYLE = {"solved": "green", "attempted": "yellow", "new": "dim"}
STATUS_LABEL = {"solved": "✓ solved", "attempted": "… attempted", "new": "new"}
DIFF_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}
TEST_MARK = {"pass": ("✓", "green"), "fail": ("✗", "red"), "error": ("!", "red"),
             "skip": ("-", "dim")}
VERDICT_STYLE = {"pass": "bold green", "fail": "bold red", "error": "bold red",
                 "timeout": "bold magenta", "memory": "bold magenta", "crash": "bold magenta"}


def colour_on(stream=None) -> bool:  # type: ignore[no-untyped-def]
    """Colours for a terminal; ``NO_COLOR`` turns them off, ``FORCE_COLOR`` on."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


class Writer:
    """Lines to a stream, styled when it is a terminal."""

    def __init__(self, stream=None) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream or sys.stdout
        self.colour = colour_on(self.stream)

    def style(self, text: str, style: str | None) -> str:
        if not (self.colour and style):
            return text
        return f"\x1b[{CODES[style]}m{text}\x1b[0m"

    def line(self, *parts: tuple[str, str | None] | str) -> None:
        """One line from plain strings and (text, style) pairs."""
        self.stream.write("".join(p if isinstance(p, str) else self.style(*p) for p in parts)
                          + "\n")


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count two, combining marks
    none."""
    w = 0
    for ch in text:
        if ch.isascii():
            w += 1
        elif unicodedata.combining(ch):
            continue
        else:
            w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w


def fit(text: str, cols: int) -> str:
    """``text`` cut to at most ``cols`` columns (with an ellipsis when cut), then padded."""
    if width(text) > cols:
        out, w = [], 0
        for ch in text:
            cw = width(ch)
            if w + cw > cols - 1:
                break
            out.append(ch)
            w += cw
        text = "".join(out) + "…"
    return text + " " * (cols - width(text))


def terminal_columns(stream=None) -> int | None:  # type: ignore[no-untyped-def]
    """The terminal's width, or None when the output is not a terminal (a pipe gets it all)."""
    stream = stream or sys.stdout
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    try:
        return os.get_terminal_size(stream.fileno()).columns if stream.isatty() else None
    except (OSError, AttributeError, ValueError):
        return None


def table(out: Writer, headers: Sequence[str], rows: Iterable[Sequence[tuple[str, str | None]]],
          shrink: int, columns: int | None = None) -> None:
    """A table of styled cells, two spaces between columns; when it is wider than ``columns``,
    column ``shrink`` (a title) is cut to fit."""
    rows = list(rows)
    widths = [max([width(h)] + [width(r[i][0]) for r in rows]) for i, h in enumerate(headers)]
    if columns:
        over = sum(widths) + 2 * (len(widths) - 1) - columns
        if over > 0:
            widths[shrink] = max(12, widths[shrink] - over)
    gap = "  "
    out.line((gap.join(fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip(),
              "bold"))
    for r in rows:
        cells = [out.style(fit(text, w), style) for (text, style), w in
                 zip(r, widths, strict=True)]
        out.line(gap.join(cells).rstrip())


def problem_rows(problems: Iterable[dict], statuses: dict[str, str], lang: str,
                 next_id: str | None = None) -> list[list[tuple[str, str | None]]]:
    """Rows of the ``list`` table from index entries (see :mod:`torchdojo.index`)."""
    rows = []
    for p in problems:
        st = statuses.get(p["id"], "new")
        mark = "→" if p["id"] == next_id else " "
        rows.append([(p["track"], None), (f"{mark}{p['number']:>3}", "bold" if mark != " "
                                          else None),
                     (p["id"], "bold" if mark != " " else None), (p["title"][lang], None),
                     (p["difficulty"], DIFF_STYLE[p["difficulty"]]),
                     (STATUS_LABEL[st], STATUS_STYLE[st])])
    return rows


def problem_table(problems: Iterable[dict], statuses: dict[str, str], lang: str,
                  next_id: str | None = None, out: Writer | None = None) -> None:
    """The ``list`` table: track, place in the curriculum, id, title, difficulty, status; the
    problem "next" names is marked with an arrow."""
    out = out or Writer()
    table(out, ("track", "  #", "id", "title", "difficulty", "status"),
          problem_rows(problems, statuses, lang, next_id), shrink=3,
          columns=terminal_columns(out.stream))


def result(res: dict, out: Writer | None = None) -> None:
    """A check's result (the v1 dict): one line per test, details of the failures, a verdict."""
    out = out or Writer()
    for t in res["tests"]:
        mark, style = TEST_MARK[t["status"]]
        out.line(" ", (mark, style), " ", (t["name"], "bold"), " ",
                 (f"({t['duration_ms']} ms)", "dim"))
        if t["status"] != "pass" and t["message"]:
            out.line(f"     {t['message']}")
        if t["output"] and t["status"] != "pass":
            out.line("     ", ("output:", "dim"))
            for ln in t["output"].splitlines()[:12]:
                out.line("       ", (ln, "dim"))
    out.line((res["status"].upper(), VERDICT_STYLE.get(res["status"], "bold")),
             f" {res['message']} ", (f"({res['duration_ms']} ms)", "dim"))
