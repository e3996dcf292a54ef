"""What the learner has done, for every interface: problems per track, cards due and learned.

Plain data from the bank, the deck and the progress store (no rendering, no torch), so the
CLI, the web app and the quiz read the same numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from torchdojo.bank import Bank
from torchdojo.cards import Card, Deck
from torchdojo.review import phase
from torchdojo.store import Store


def due_cards(cards: list[Card], states: dict[str, dict], when: datetime,
              new_limit: int = 10) -> list[Card]:
    """The cards to ask now: due reviews (oldest first), then up to ``new_limit`` new ones."""
    t = when.timestamp()
    due = sorted((c for c in cards if c.id in states and states[c.id]["due"] <= t),
                 key=lambda c: states[c.id]["due"])
    new = [c for c in cards if c.id not in states][:max(0, new_limit)]
    return due + new


def card_rows(deck: Deck, states: dict[str, dict]) -> list[dict]:
    """Every card with its review state, for ``quiz --list --json``."""
    rows = []
    for c in deck:
        st = states.get(c.id)
        rows.append({"id": c.id, "track": c.track, "title": c.title, "difficulty": c.difficulty,
                     "kind": c.kind, "sources": list(c.sources), "related": list(c.related),
                     "has_demo": bool(c.demo),
                     "review": {"phase": phase(st["fsrs"] if st else None),
                                "due": iso(st["due"]) if st else None,
                                "reviews": st["reviews"] if st else 0,
                                "lapses": st["lapses"] if st else 0}})
    return rows


NEW_PER_DAY = 10  # new cards a day, unless the learner's setting "new_per_day" says otherwise


def card_counts(cards: list[Card], states: dict[str, dict], when: datetime,
                new_left: int = NEW_PER_DAY) -> dict[str, int]:
    """Cards; due now (reviews whose time has come: never-seen cards are not "due"); new
    (never seen); new_today (what today's new-card allowance ``new_left`` lets in); learned
    (FSRS review phase)."""
    t = when.timestamp()
    seen = [c for c in cards if c.id in states]
    new = len(cards) - len(seen)
    return {"cards": len(cards), "due": sum(states[c.id]["due"] <= t for c in seen),
            "new": new, "new_today": min(new, max(0, new_left)),
            "learned": sum(phase(states[c.id]["fsrs"]) == "review" for c in seen)}


def new_per_day(store: Store) -> int:
    """The daily limit of new cards (setting ``new_per_day``, default 10)."""
    value = store.get_setting("new_per_day", str(NEW_PER_DAY)) or ""
    return int(value) if value.isdigit() else NEW_PER_DAY


def new_seen_today(store: Store, when: datetime) -> int:
    """How many cards got their first review today (UTC): the daily limit counts these."""
    today = when.astimezone(UTC).date()
    firsts: dict[str, float] = {}
    for r in store.card_reviews():
        firsts.setdefault(r["card"], r["ts"])
    return sum(datetime.fromtimestamp(ts, UTC).date() == today for ts in firsts.values())


def new_left_today(store: Store, when: datetime, limit: int | None = None) -> int:
    """New cards still allowed today under ``limit`` (default: the learner's daily limit)."""
    limit = new_per_day(store) if limit is None else limit
    return max(0, limit - new_seen_today(store, when))


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def card_progress(deck: Deck, store: Store, when: datetime) -> dict:
    """Cards, due, new and learned per track and overall."""
    states, left = store.card_states(), new_left_today(store, when)
    rows = [{"track": t, **card_counts(deck.in_track(t), states, when, left)}
            for t in deck.tracks]
    return {"tracks": rows, "overall": {"track": "overall",
                                        **card_counts(list(deck), states, when, left)},
            "new_per_day": new_per_day(store), "new_left_today": left}


def problem_progress(bank: Bank, store: Store) -> dict:
    """Problems, solved and attempted per track and overall."""
    statuses = store.statuses()
    rows = []
    for track in bank.tracks:
        ps = bank.in_track(track)
        rows.append({"track": track, "problems": len(ps),
                     "solved": sum(statuses.get(p.id) == "solved" for p in ps),
                     "attempted": sum(statuses.get(p.id) == "attempted" for p in ps)})
    total = {"track": "overall", "problems": sum(r["problems"] for r in rows),
             "solved": sum(r["solved"] for r in rows),
             "attempted": sum(r["attempted"] for r in rows)}
    return {"tracks": rows, "overall": total}


def progress(bank: Bank, deck: Deck, store: Store, when: datetime) -> dict:
    """The ``progress --json`` shape: problem rows, overall, and ``cards``."""
    return {**problem_progress(bank, store), "cards": card_progress(deck, store, when)}
