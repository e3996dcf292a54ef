"""Concept cards: interview questions with a model answer, key points and an auto-check.

A card is one TOML file, ``concepts/NN_track/<id>.toml`` (the file stem is the id, unique across
cards and problems so ``torchdojo show ID`` finds either). Like the problem bank this module
never imports torch: ``quiz`` and ``list`` start fast. The optional demo is run by
:mod:`torchdojo.demos` in a separate process.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from torchdojo.bank import DIFFICULTIES, TRACK_RE, BankError, in_lang, seed_ids

CARDS_DIR = Path(__file__).parent / "concepts"
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CHECK_KINDS = ("choice", "exact")


def _text(d: object, lang: str) -> str:
    """The ``lang`` text of an ``{en, zh}`` table; Traditional is converted from Simplified."""
    assert isinstance(d, dict)
    return in_lang(lang, str(d["en"]), str(d["zh"]))


def normalize(answer: str) -> str:
    """How exact answers compare: all whitespace removed, lower case."""
    return "".join(answer.split()).lower()


@dataclass(frozen=True)
class Card:
    id: str
    track: str
    path: Path
    meta: dict

    # -- fields ----------------------------------------------------------------------------
    @property
    def title(self) -> dict[str, str]:
        return self.meta["title"]

    def title_in(self, lang: str) -> str:
        return _text(self.title, lang)

    @property
    def difficulty(self) -> str:
        return self.meta["difficulty"]

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.meta.get("tags", ()))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self.meta["sources"])

    @property
    def related(self) -> tuple[str, ...]:
        return tuple(self.meta.get("related", ()))

    @property
    def kind(self) -> str:
        return self.meta["check"]["kind"]

    @property
    def demo(self) -> str | None:
        return self.meta.get("demo")

    def question(self, lang: str = "en") -> str:
        return _text(self.meta["question"], lang)

    def answer(self, lang: str = "en") -> str:
        return _text(self.meta["answer"], lang)

    def key_points(self, lang: str = "en") -> list[str]:
        return [_text(k, lang) for k in self.meta["key_points"]]

    def prompt(self, lang: str = "en") -> str:
        return _text(self.meta["check"]["prompt"], lang)

    def options(self, lang: str = "en") -> list[str]:
        return [_text(o, lang) for o in self.meta["check"].get("options", [])]

    def explain(self, lang: str = "en") -> str:
        return _text(self.meta["check"]["explain"], lang)

    @cached_property
    def correct_text(self) -> str:
        """The right answer as shown after a wrong one (English; options use their letter)."""
        chk = self.meta["check"]
        if chk["kind"] == "choice":
            i = chk["answer"]
            return f"{'abcde'[i]}) {chk['options'][i]['en']}"
        return chk["accepted"][0]

    # -- the auto-check --------------------------------------------------------------------
    def grade(self, reply: str) -> bool | None:
        """True/False for a reply; None when the reply is not a valid answer form (e.g. 'z'
        to a choice between a-d), so the quiz can ask again instead of counting a miss."""
        chk = self.meta["check"]
        reply = reply.strip()
        if chk["kind"] == "choice":
            n = len(chk["options"])
            r = reply.lower().rstrip(").")
            if len(r) == 1 and "a" <= r <= "abcde"[n - 1]:
                index = ord(r) - ord("a")
            elif r.isdigit() and 1 <= int(r) <= n:
                index = int(r) - 1
            else:
                return None
            return index == chk["answer"]
        if not reply:
            return None
        return normalize(reply) in {normalize(a) for a in chk["accepted"]}


def _bilingual(d: object, where: str, what: str) -> list[str]:
    if not (isinstance(d, dict) and str(d.get("en", "")).strip()
            and str(d.get("zh", "")).strip()):
        return [f"{where}: {what} needs non-empty en and zh"]
    return []


def card_issues(meta: dict, where: str) -> list[str]:
    """Everything wrong with a card's metadata (an empty list when it is sound)."""
    issues: list[str] = []
    for key in ("title", "question", "answer"):
        issues += _bilingual(meta.get(key), where, key)
    if meta.get("difficulty") not in DIFFICULTIES:
        issues.append(f"{where}: difficulty must be one of {DIFFICULTIES}")
    sources = meta.get("sources")
    if not (isinstance(sources, list) and sources):
        issues.append(f"{where}: sources must be a non-empty list of seed ids")
    else:
        unknown = [s for s in sources if s not in seed_ids()]
        if unknown:
            issues.append(f"{where}: unknown source ids {unknown}")
    points = meta.get("key_points")
    if not (isinstance(points, list) and 2 <= len(points) <= 6):
        issues.append(f"{where}: key_points needs 2 to 6 entries")
    else:
        for i, k in enumerate(points):
            issues += _bilingual(k, where, f"key point {i + 1}")
    chk = meta.get("check")
    if not isinstance(chk, dict) or chk.get("kind") not in CHECK_KINDS:
        return issues + [f"{where}: [check] needs kind = one of {CHECK_KINDS}"]
    issues += _bilingual(chk.get("prompt"), where, "check.prompt")
    issues += _bilingual(chk.get("explain"), where, "check.explain")
    if chk["kind"] == "choice":
        opts = chk.get("options")
        if not (isinstance(opts, list) and 3 <= len(opts) <= 5):
            issues.append(f"{where}: a choice check needs 3 to 5 options")
        else:
            for i, o in enumerate(opts):
                issues += _bilingual(o, where, f"option {i + 1}")
            if len({normalize(str(o.get("en", ""))) for o in opts}) != len(opts):
                issues.append(f"{where}: two options say the same thing")
            ans = chk.get("answer")
            if not (isinstance(ans, int) and 0 <= ans < len(opts)):
                issues.append(f"{where}: check.answer must index an option (0-based)")
    else:
        acc = chk.get("accepted")
        if not (isinstance(acc, list) and acc and all(str(a).strip() for a in acc)):
            issues.append(f"{where}: an exact check needs a non-empty 'accepted' list")
    if "demo" in chk:
        issues.append(f"{where}: 'demo' landed inside [check]: in TOML a top-level key must "
                      "come before the first [table], so put demo above [question]")
    demo = meta.get("demo")
    if demo is not None and not (isinstance(demo, str) and demo.strip()):
        issues.append(f"{where}: demo must be Python source")
    return issues


def load_card(path: Path) -> Card:
    where = f"{path.parent.name}/{path.name}"
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BankError(f"{where}: {exc}") from None
    cid = path.stem
    if not ID_RE.match(cid) or meta.get("id") != cid:
        raise BankError(f"{where}: id must be snake_case and equal the file name")
    issues = card_issues(meta, where)
    if issues:
        raise BankError("; ".join(issues))
    return Card(id=cid, track=path.parent.name, path=path, meta=meta)


class Deck:
    """All concept cards, in track then id order."""

    def __init__(self, root: Path = CARDS_DIR) -> None:
        self.cards: dict[str, Card] = {}
        if not root.is_dir():
            return
        for track in sorted(p for p in root.iterdir() if p.is_dir() and TRACK_RE.match(p.name)):
            for f in sorted(track.glob("*.toml")):
                card = load_card(f)
                if card.id in self.cards:
                    raise BankError(f"duplicate card id {card.id}")
                self.cards[card.id] = card

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.cards.values())

    def __len__(self) -> int:
        return len(self.cards)

    def __contains__(self, cid: object) -> bool:
        return cid in self.cards

    def get(self, cid: str) -> Card:
        try:
            return self.cards[cid]
        except KeyError:
            near = [c for c in self.cards if cid in c]
            extra = f" Did you mean: {', '.join(near[:5])}?" if near else ""
            raise KeyError(f"no card named '{cid}'.{extra}") from None

    @property
    def tracks(self) -> list[str]:
        return sorted({c.track for c in self})

    def in_track(self, track: str) -> list[Card]:
        return [c for c in self if c.track == track or c.track[3:] == track]
