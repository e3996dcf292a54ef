"""Load and validate the problem bank (no torch import: ``torchdojo list`` must start fast).

A problem is a folder ``problems/NN_track/<id>/`` holding ``problem.toml``, ``statement.en.md``,
``statement.zh.md``, ``starter.py``, ``solution.py``, ``tests.py``, ``explanation.en.md``,
``explanation.zh.md`` and ``mutants/*.py`` (plausible wrong answers the tests must reject).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from torchdojo.langs import LANG_ALIASES, LANGS, canonical_lang  # noqa: F401 - re-exported

BANK_DIR = Path(__file__).parent / "problems"
SEED_IDS_FILE = Path(__file__).parent / "data" / "seed_ids.txt"
DIFFICULTIES = ("easy", "medium", "hard")
GPU_MODES = ("none", "optional")
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TRACK_RE = re.compile(r"^\d\d_[a-z][a-z0-9_]*$")
DEFAULT_TIME_S = 5.0
DEFAULT_MEMORY_MB = 1024
REQUIRED_FILES = ("problem.toml", "statement.en.md", "statement.zh.md", "starter.py",
                  "solution.py", "tests.py", "explanation.en.md", "explanation.zh.md")


class BankError(Exception):
    """A problem folder that does not follow the format."""


@dataclass(frozen=True)
class Hint:
    en: str
    zh: str


@dataclass(frozen=True)
class Problem:
    id: str
    track: str
    path: Path
    title: dict[str, str]
    difficulty: str
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    entry: tuple[str, ...]
    time_s: float
    memory_mb: int
    gpu: str
    hints: tuple[Hint, ...]
    dependencies: tuple[str, ...] = field(default=())

    @property
    def track_name(self) -> str:
        return self.track.split("_", 1)[1]

    def file(self, name: str) -> Path:
        return self.path / name

    def read(self, name: str) -> str:
        return (self.path / name).read_text(encoding="utf-8")

    def title_in(self, lang: str) -> str:
        return in_lang(lang, self.title["en"], self.title["zh"])

    def _markdown(self, stem: str, lang: str) -> str:
        """``<stem>.en.md`` or ``<stem>.zh.md`` (only the one needed is read), in ``lang``."""
        text = self.read(f"{stem}.{'en' if lang == 'en' else 'zh'}.md")
        return in_lang(lang, text, text)  # the one file read serves as either text

    def statement(self, lang: str = "en") -> str:
        """The statement in ``lang``; Traditional Chinese is converted from Simplified."""
        return self._markdown("statement", lang)

    def body(self, lang: str = "en") -> str:
        """The statement without its first ``# title`` line, for pages that show the title in
        their own header (the terminal's panel, the web's heading)."""
        text = self.statement(lang)
        first, _, rest = text.lstrip().partition("\n")
        return rest.lstrip("\n") if first.startswith("# ") else text

    def explanation(self, lang: str = "en") -> str:
        return self._markdown("explanation", lang)

    def tests(self) -> list[tuple[str, bool]]:
        """(name, public) of every test in ``tests.py``, in the order they run, read from the
        source (the ``@probe`` / ``@source_probe`` functions; nothing is imported or run)."""
        import ast

        out = []
        for node in ast.parse(self.read("tests.py")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                call = dec if isinstance(dec, ast.Call) else None
                name = (call.func if call else dec)
                if isinstance(name, ast.Name) and name.id in ("probe", "source_probe"):
                    public = any(k.arg == "public" and isinstance(k.value, ast.Constant) and
                                 k.value.value is True for k in (call.keywords if call else ()))
                    out.append((node.name, public))
        return out

    def starter(self) -> str:
        """The starter as the learner's file begins: two comment lines pointing at the statement
        and naming the tests, then ``starter.py``."""
        import textwrap

        names = ", ".join(f"{n} (public)" if public else n for n, public in self.tests())
        tests = textwrap.wrap(f"tests: {names}", 96, initial_indent="# ",
                              subsequent_indent="#   ", break_on_hyphens=False)
        head = [f"# the task: `torchdojo show {self.id}` · grade it: `torchdojo check {self.id}`",
                *tests]
        return "\n".join(head) + "\n" + self.read("starter.py")

    def hint(self, index: int, lang: str = "en") -> str:
        h = self.hints[index]
        return in_lang(lang, h.en, h.zh)

    def mutants(self) -> list[Path]:
        d = self.path / "mutants"
        return sorted(d.glob("*.py")) if d.is_dir() else []

    @property
    def version(self) -> str:
        """Hash of everything that decides the reference observations."""
        h = hashlib.sha256()
        for name in ("problem.toml", "solution.py", "tests.py"):
            h.update(name.encode() + b"\0" + (self.path / name).read_bytes() + b"\0")
        return h.hexdigest()[:16]


def in_lang(lang: str, en: str, zh: str) -> str:
    """The text for ``lang`` ("en", "zh-Hans" or "zh-Hant") from the English and the Simplified
    Chinese one; Traditional is converted from Simplified, never stored twice."""
    if lang == "en":
        return en
    return to_traditional(zh) if lang == "zh-Hant" else zh


# Taiwan wording OpenCC's s2twp leaves as mainland usage: 示例 reads 範例; 通過 meaning "by
# means of" (before code, emphasis, or the objects the bank uses it with) reads 透過, while
# 通過 meaning "to pass" (tests pass) stays.
_TW_PHRASES = (
    (re.compile("示例"), "範例"),
    (re.compile(r"通過(?=\s*[`*$]|遍歷|改變|反向|帶|版本|兩條|它|記憶體|加性|呼叫|設定|把)"),
     "透過"),
)


def to_traditional(text: str) -> str:
    """Simplified -> Traditional Chinese with OpenCC (Taiwan standard, with its phrases), then
    the few Taiwan phrases it does not know (``_TW_PHRASES``)."""
    out = _opencc().convert(text)
    for pattern, repl in _TW_PHRASES:
        out = pattern.sub(repl, out)
    return out


@cache
def _opencc():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("s2twp")


def _need(d: dict, key: str, kind: type, where: str) -> object:
    if key not in d:
        raise BankError(f"{where}: missing '{key}'")
    if not isinstance(d[key], kind):
        raise BankError(f"{where}: '{key}' must be {kind.__name__}")
    return d[key]


def read_meta(path: Path, files: tuple[str, ...], where: str) -> dict:
    """A bank folder's metadata: every one of ``files`` must exist; the first is the TOML read.
    A missing file or bad TOML is a BankError naming ``where``."""
    for name in files:
        if not (path / name).is_file():
            raise BankError(f"{where}: missing {name}")
    try:
        return tomllib.loads((path / files[0]).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{where}: {files[0]}: {exc}") from exc


def load_problem(path: Path) -> Problem:
    """Parse and check one problem folder's metadata (files, ids, fields)."""
    where = str(path.name)
    meta = read_meta(path, REQUIRED_FILES, where)
    pid = _need(meta, "id", str, where)
    if pid != path.name or not ID_RE.match(pid):
        raise BankError(f"{where}: id must equal the folder name and be snake_case")
    title = _need(meta, "title", dict, where)
    if not all(isinstance(title.get(k), str) and title[k].strip() for k in ("en", "zh")):
        raise BankError(f"{where}: title needs en and zh")
    difficulty = _need(meta, "difficulty", str, where)
    if difficulty not in DIFFICULTIES:
        raise BankError(f"{where}: difficulty must be one of {DIFFICULTIES}")
    entry = _need(meta, "entry", list, where)
    if not entry or not all(isinstance(e, str) and e.isidentifier() for e in entry):
        raise BankError(f"{where}: entry must list the names the learner defines")
    sources = _need(meta, "sources", list, where)
    if not sources or not all(isinstance(s, str) for s in sources):
        raise BankError(f"{where}: sources must list seed ids")
    tags = meta.get("tags", [])
    limits = meta.get("limits", {})
    gpu = meta.get("gpu", "none")
    if gpu not in GPU_MODES:
        raise BankError(f"{where}: gpu must be one of {GPU_MODES}")
    hints_raw = _need(meta, "hints", list, where)
    hints = []
    for i, h in enumerate(hints_raw):
        if not (isinstance(h, dict) and str(h.get("en", "")).strip() and
                str(h.get("zh", "")).strip()):
            raise BankError(f"{where}: hint {i + 1} needs en and zh")
        hints.append(Hint(en=h["en"], zh=h["zh"]))
    if not hints:
        raise BankError(f"{where}: at least one hint is needed")
    return Problem(
        id=pid, track=path.parent.name, path=path, title=dict(title), difficulty=difficulty,
        tags=tuple(tags), sources=tuple(sources), entry=tuple(entry),
        time_s=float(limits.get("time_s", DEFAULT_TIME_S)),
        memory_mb=int(limits.get("memory_mb", DEFAULT_MEMORY_MB)), gpu=gpu,
        hints=tuple(hints), dependencies=tuple(meta.get("dependencies", [])),
    )


@dataclass(frozen=True)
class Track:
    """A track's ``track.toml``: its title, one-line blurb and curriculum order."""

    name: str
    title: dict[str, str]
    blurb: dict[str, str]
    order: tuple[str, ...]

    def title_in(self, lang: str) -> str:
        return in_lang(lang, self.title["en"], self.title["zh"])

    def blurb_in(self, lang: str) -> str:
        return in_lang(lang, self.blurb["en"], self.blurb["zh"]) if self.blurb else ""


def load_track(path: Path) -> Track:
    """``NN_name/track.toml``; a track without one is titled by its folder, in folder order."""
    f = path / "track.toml"
    if not f.exists():
        name = path.name.split("_", 1)[1].replace("_", " ").capitalize()
        return Track(path.name, {"en": name, "zh": name}, {}, ())
    try:
        meta = tomllib.loads(f.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{path.name}/track.toml: {exc}") from exc
    title = _need(meta, "title", dict, f"{path.name}/track.toml")
    order = _need(meta, "order", list, f"{path.name}/track.toml")
    if len(set(order)) != len(order) or not all(isinstance(i, str) for i in order):
        raise BankError(f"{path.name}/track.toml: order must list each problem id once")
    return Track(path.name, dict(title), dict(meta.get("blurb", {})), tuple(order))


class Bank:
    """All problems, track by track, each track in its curriculum order (``track.toml``).

    Problems a track's ``order`` does not name (a new folder) follow the listed ones in folder
    order; ``tests/test_bank.py`` insists that every problem is listed.
    """

    def __init__(self, root: Path = BANK_DIR) -> None:
        self.root = root
        self.problems: dict[str, Problem] = {}
        self.track_info: dict[str, Track] = {}
        self.number: dict[str, int] = {}  # a problem's 1-based place in its track's order
        for track in sorted(p for p in root.iterdir() if p.is_dir() and TRACK_RE.match(p.name)):
            info = self.track_info[track.name] = load_track(track)
            rank = {pid: i for i, pid in enumerate(info.order)}
            folders = sorted((p for p in track.iterdir() if (p / "problem.toml").exists()),
                             key=lambda p: (rank.get(p.name, len(rank)), p.name))
            for n, folder in enumerate(folders, 1):
                prob = load_problem(folder)
                if prob.id in self.problems:
                    raise BankError(f"duplicate problem id {prob.id}")
                self.problems[prob.id] = prob
                self.number[prob.id] = n

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.problems.values())

    def __len__(self) -> int:
        return len(self.problems)

    def get(self, pid: str) -> Problem:
        try:
            return self.problems[pid]
        except KeyError:
            near = [p for p in self.problems if pid in p]
            extra = f" Did you mean: {', '.join(near[:5])}?" if near else ""
            raise KeyError(f"no problem named '{pid}'.{extra}") from None

    def current(self, pid: str) -> Problem:
        """``pid`` as it is on disk now, for a long-lived process (the grading daemon): its
        problem.toml is read again (limits, entry names), and an id added since this bank was
        loaded is found by scanning the folders again. Raises KeyError like :meth:`get`."""
        if pid in self.problems:
            path = self.problems[pid].path
            if (path / "problem.toml").exists():
                self.problems[pid] = load_problem(path)
                return self.problems[pid]
        self.problems = Bank(self.root).problems
        return self.get(pid)

    @property
    def tracks(self) -> list[str]:
        return sorted({p.track for p in self})

    def next_problem(self, statuses: dict[str, str], last: str | None,
                     skip: frozenset[str] = frozenset()) -> Problem | None:
        """What to do next, as :func:`torchdojo.course.next_problem` decides everywhere."""
        from torchdojo.course import next_problem

        pid = next_problem([(p.id, p.track) for p in self], statuses, last, skip)
        return self.problems[pid] if pid else None

    def in_track(self, track: str) -> list[Problem]:
        return [p for p in self if p.track == track or p.track_name == track]


@cache
def seed_ids() -> frozenset[str]:
    """Every curriculum id the project knows (copied from the shared seed catalogue)."""
    lines = SEED_IDS_FILE.read_text(encoding="utf-8").split()
    return frozenset(lines)
