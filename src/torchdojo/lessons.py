"""Lesson pages: short texts that teach an idea before the problems that practise it.

A lesson is a folder ``lessons/NN_track/<id>/`` with ``lesson.toml`` (``id``, ``source``: the
guide's unit ``S004-L<n>``, ``title``; optional ``before``: the problem it is shown before, and
``problems`` / ``cards``: related items beyond those whose ``sources`` name the unit), ``en.md``
and ``zh.md``. Its problems and cards are found by that ``source``, so a lesson always ends with
the current list. In a track's course a lesson comes just before its first problem there (or
before ``before``); one with no problem in its track comes at the track's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from torchdojo.bank import ID_RE, TRACK_RE, Bank, BankError, Problem, in_lang, read_meta, seed_ids
from torchdojo.cards import Card, Deck

LESSONS_DIR = Path(__file__).parent / "lessons"


@dataclass(frozen=True)
class Lesson:
    id: str
    track: str
    path: Path
    source: str
    title: dict[str, str]
    before: str | None
    problems: tuple[str, ...]  # the extra ones named in lesson.toml
    cards: tuple[str, ...]

    def title_in(self, lang: str) -> str:
        return in_lang(lang, self.title["en"], self.title["zh"])

    def text(self, lang: str = "en") -> str:
        """The lesson in ``lang``; Traditional Chinese is converted from Simplified."""
        raw = (self.path / ("en.md" if lang == "en" else "zh.md")).read_text(encoding="utf-8")
        return in_lang(lang, raw, raw)


def load_lesson(path: Path) -> Lesson:
    where = f"lesson {path.parent.name}/{path.name}"
    meta = read_meta(path, ("lesson.toml", "en.md", "zh.md"), where)
    if meta.get("id") != path.name or not ID_RE.match(path.name):
        raise BankError(f"{where}: id must equal the folder name and be snake_case")
    title = meta.get("title")
    if not (isinstance(title, dict) and all(str(title.get(k, "")).strip() for k in ("en", "zh"))):
        raise BankError(f"{where}: title needs en and zh")
    source = meta.get("source")
    if source not in seed_ids():
        raise BankError(f"{where}: source {source!r} is not a curriculum id")
    return Lesson(id=path.name, track=path.parent.name, path=path, source=source,
                  title=dict(title), before=meta.get("before"),
                  problems=tuple(meta.get("problems", [])), cards=tuple(meta.get("cards", [])))


class Lessons:
    """Every lesson, in course order, with the problems and cards each leads into."""

    def __init__(self, bank: Bank, deck: Deck, root: Path = LESSONS_DIR) -> None:
        self.bank, self.deck = bank, deck
        found: list[Lesson] = []
        if root.is_dir():
            for track in sorted(p for p in root.iterdir() if p.is_dir() and TRACK_RE.match(p.name)):
                found += [load_lesson(p) for p in sorted(track.iterdir()) if p.is_dir()]
        self._check(found)
        order = {p.id: i for i, p in enumerate(bank)}

        def place(lesson: Lesson) -> tuple[int, int]:
            anchor = lesson.before or next(
                (p.id for p in self.problems_of(lesson) if p.track == lesson.track), None)
            return (order[anchor] if anchor else len(order), int(lesson.source.split("L")[-1]))
        self.lessons = {les.id: les for les in sorted(found, key=place)}
        self._anchor = {les.id: place(les)[0] for les in self.lessons.values()}

    def _check(self, found: list[Lesson]) -> None:
        ids = [les.id for les in found]
        if len(set(ids)) != len(ids):
            raise BankError("two lessons share an id")
        for les in found:
            where = f"lesson {les.id}"
            if les.id in self.bank.problems or les.id in self.deck:
                raise BankError(f"{where}: the id is also a problem's or a card's")
            if les.track not in self.bank.track_info:
                raise BankError(f"{where}: no problem track {les.track}")
            if les.before and (les.before not in self.bank.problems or
                               self.bank.problems[les.before].track != les.track):
                raise BankError(f"{where}: before = {les.before!r} is not a problem of "
                                f"{les.track}")
            for pid in les.problems:
                if pid not in self.bank.problems:
                    raise BankError(f"{where}: no problem {pid!r}")
            for cid in les.cards:
                if cid not in self.deck:
                    raise BankError(f"{where}: no card {cid!r}")

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.lessons.values())

    def __len__(self) -> int:
        return len(self.lessons)

    def __contains__(self, lid: object) -> bool:
        return lid in self.lessons

    def get(self, lid: str) -> Lesson:
        try:
            return self.lessons[lid]
        except KeyError:
            raise KeyError(f"no lesson named '{lid}'") from None

    def in_track(self, track: str) -> list[Lesson]:
        return [les for les in self if track in (les.track, les.track.split("_", 1)[1])]

    def problems_of(self, lesson: Lesson) -> list[Problem]:
        """The problems whose sources name the lesson's unit, and its extra ones, in course
        order."""
        extra = set(lesson.problems)
        return [p for p in self.bank if lesson.source in p.sources or p.id in extra]

    def cards_of(self, lesson: Lesson) -> list[Card]:
        extra = set(lesson.cards)
        return [c for c in self.deck if lesson.source in c.sources or c.id in extra]

    def lesson_for(self, pid: str) -> Lesson | None:
        """The lesson shown before problem ``pid``: the last one placed at or before it in its
        track that leads into it; else None."""
        if pid not in self.bank.problems:
            return None
        order = {p.id: i for i, p in enumerate(self.bank)}
        mine = [les for les in self if self._anchor[les.id] <= order[pid] and
                pid in {p.id for p in self.problems_of(les)}]
        return mine[-1] if mine else None

    def course(self, track: str) -> list[Lesson | Problem]:
        """The track as a learner meets it: each lesson just before the problem it leads to."""
        order = {p.id: i for i, p in enumerate(self.bank)}
        out: list[Lesson | Problem] = []
        lessons = self.in_track(track)
        for p in self.bank.in_track(track):
            out += [les for les in lessons if self._anchor[les.id] == order[p.id]]
            out.append(p)
        return out + [les for les in lessons if self._anchor[les.id] >= len(order)]
