"""The one result shape (version 1) that every interface renders; see DESIGN.md."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

VERSION = 1
OUTPUT_LIMIT = 500
STATUSES = ("pass", "fail", "error", "timeout", "memory", "crash")
TEST_STATUSES = ("pass", "fail", "error", "skip")


def clip_output(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """At most ``limit`` characters, cut visibly."""
    if len(text) <= limit:
        return text
    marker = f"\n… [{len(text) - limit + 40} more characters cut]"
    return text[: limit - len(marker)] + marker


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    status: str
    message: str = ""
    output: str = ""
    duration_ms: int = 0

    def __post_init__(self) -> None:
        if self.status not in TEST_STATUSES:
            raise ValueError(f"bad test status {self.status!r}")
        self.output = clip_output(self.output)


@dataclass
class Result:
    problem: str
    status: str
    message: str
    duration_ms: int = 0
    tests: list[TestResult] = field(default_factory=list)
    version: int = VERSION

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"bad status {self.status!r}")

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in TEST_STATUSES}
        for t in self.tests:
            out[t.status] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return {"version": d["version"], "problem": d["problem"], "status": d["status"],
                "message": d["message"], "duration_ms": d["duration_ms"], "tests": d["tests"]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Result:
        if d.get("version") != VERSION:
            raise ValueError(f"unsupported result version {d.get('version')!r}")
        return cls(problem=d["problem"], status=d["status"], message=d["message"],
                   duration_ms=int(d["duration_ms"]),
                   tests=[TestResult(**t) for t in d["tests"]])
