"""The one result shape (version 1) that every interface renders; see DESIGN.md.

Plain classes rather than dataclasses: the fast ``check`` path imports this module, and
``dataclasses`` would bring ``inspect`` and a tenth of that path's time budget with it.
"""

from __future__ import annotations

import json
import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (fast CLI path)
if TYPE_CHECKING:
    from typing import Any

VERSION = 1
OUTPUT_LIMIT = 500
STATUSES = ("pass", "fail", "error", "timeout", "memory", "crash")
TEST_STATUSES = ("pass", "fail", "error", "skip")


# escape sequences a terminal acts on: CSI (colours, cursor moves, erase), OSC (titles, links),
# DCS/SOS/PM/APC strings, and two-character escapes; C1's single-byte CSI too
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?"
                      r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|$)|[\x90\x98\x9d-\x9f].*?(?:\x07|\x1b\\|$)"
                      r"|\x1b[^\[\]PX^_]?", re.S)
# other controls that move the cursor or hide text (backspace, form feed, DEL, C1) and the
# bidirectional overrides that reorder what is shown
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                       "\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Text a submission produced, safe to show in a terminal or a page.

    Terminal escape sequences are removed, a carriage return that would overwrite the line
    becomes a line break, and every other control character is shown escaped (``\\x07``), so
    printed output can never draw a fake verdict or hide what it printed.
    """
    text = _ESCAPES.sub("", text.replace("\r\n", "\n")).replace("\r", "\n")
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                         else f"\\u{ord(m.group()):04x}", text)


def clip_output(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """At most ``limit`` characters, cut visibly."""
    if len(text) <= limit:
        return text
    marker = f"\n… [{len(text) - limit + 40} more characters cut]"
    return text[: limit - len(marker)] + marker


class _Record:
    """Equality and repr over ``_fields``, as a dataclass would give them."""

    _fields: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, f) == getattr(other, f) for f in self._fields)

    def __repr__(self) -> str:
        args = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({args})"


class TestResult(_Record):
    __test__ = False  # not a pytest test class
    _fields = ("name", "status", "message", "output", "duration_ms")

    def __init__(self, name: str, status: str, message: str = "", output: str = "",
                 duration_ms: int = 0) -> None:
        if status not in TEST_STATUSES:
            raise ValueError(f"bad test status {status!r}")
        self.name, self.status, self.duration_ms = name, status, duration_ms
        self.message = clean_text(message)
        self.output = clip_output(clean_text(output))

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self._fields}


class Result(_Record):
    _fields = ("problem", "status", "message", "duration_ms", "tests", "version")

    def __init__(self, problem: str, status: str, message: str, duration_ms: int = 0,
                 tests: list[TestResult] | None = None, version: int = VERSION) -> None:
        if status not in STATUSES:
            raise ValueError(f"bad status {status!r}")
        self.problem, self.status, self.duration_ms = problem, status, duration_ms
        self.message = clean_text(message)
        self.tests = list(tests) if tests is not None else []
        self.version = version

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in TEST_STATUSES}
        for t in self.tests:
            out[t.status] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "problem": self.problem, "status": self.status,
                "message": self.message, "duration_ms": self.duration_ms,
                "tests": [t.to_dict() for t in self.tests]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Result:
        if d.get("version") != VERSION:
            raise ValueError(f"unsupported result version {d.get('version')!r}")
        return cls(problem=d["problem"], status=d["status"], message=d["message"],
                   duration_ms=int(d["duration_ms"]),
                   tests=[TestResult(**t) for t in d["tests"]])
