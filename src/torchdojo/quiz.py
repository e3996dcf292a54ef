"""``torchdojo quiz``: ask the due concept cards, check the answers, schedule the next reviews.

Which cards come up: those whose FSRS due time has passed (oldest first), then cards never
seen, in deck order, up to ``new_limit`` a session. Each answer is checked by the card's
auto-check; the model answer, key points and why follow; the rating (wrong: Again; right:
Good unless the learner says hard or easy) goes to FSRS, and the new state is written to the
progress database before the next card, so quitting or a crash loses nothing answered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from torchdojo import ui
from torchdojo.cards import Card, Deck
from torchdojo.review import now, phase, schedule
from torchdojo.store import Store

QUIT = {"q", "quit", "exit", ":q"}
RATE_KEYS = {"": "good", "g": "good", "good": "good", "h": "hard", "hard": "hard",
             "e": "easy", "easy": "easy"}


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
                                "due": _iso(st["due"]) if st else None,
                                "reviews": st["reviews"] if st else 0,
                                "lapses": st["lapses"] if st else 0}})
    return rows


def card_counts(cards: list[Card], states: dict[str, dict], when: datetime) -> dict[str, int]:
    """Cards, due now (reviews and never-seen ones), learned (FSRS review phase)."""
    t = when.timestamp()
    seen = [c for c in cards if c.id in states]
    return {"cards": len(cards),
            "due": sum(states[c.id]["due"] <= t for c in seen) + len(cards) - len(seen),
            "new": len(cards) - len(seen),
            "learned": sum(phase(states[c.id]["fsrs"]) == "review" for c in seen)}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


class QuizSession:
    """One sitting of the quiz over ``cards``; ``ask`` reads a line (input() by default)."""

    def __init__(self, cards: list[Card], store: Store, lang: str,
                 ask: Callable[[str], str] = input, new_limit: int = 10) -> None:
        self.cards, self.store, self.lang, self.ask = cards, store, lang, ask
        self.new_limit = new_limit

    def _read(self, prompt: str) -> str | None:
        """One line of input; None when the learner quits (q, Ctrl-D, Ctrl-C)."""
        try:
            line = self.ask(prompt)
        except (EOFError, KeyboardInterrupt):
            return None
        return None if line.strip().lower() in QUIT else line

    def run(self) -> dict[str, int]:
        """Ask every due card once; returns {asked, right, wrong}."""
        states = self.store.card_states()
        queue = due_cards(self.cards, states, now(), self.new_limit)
        done = {"asked": 0, "right": 0, "wrong": 0}
        if not queue:
            nxt = min((states[c.id]["due"] for c in self.cards if c.id in states), default=None)
            ui.info("nothing is due." + (f" next review: {_iso(nxt)}" if nxt else ""))
            return done
        for i, card in enumerate(queue, 1):
            ui.card_question(card, self.lang, i, len(queue))
            hint = ("a letter a-" + "abcde"[len(card.options()) - 1] if card.kind == "choice"
                    else "your answer")
            while True:
                reply = self._read(f"{hint} (q quits): ")
                if reply is None:
                    ui.quiz_summary(done)
                    return done
                correct = card.grade(reply)
                if correct is not None:
                    break
                ui.info(f"[yellow]please answer with {hint}.[/]")
            rating = "again"
            if correct:
                r = self._read("right! how was it? [h]ard / [g]ood / [e]asy (Enter: good): ")
                rating = RATE_KEYS.get((r or "").strip().lower(), "good")
            st = states.get(card.id)
            when = now()
            review = schedule(st["fsrs"] if st else None, rating, when)
            self.store.record_review(card.id, when.timestamp(), correct, rating, reply,
                                     review.state, review.due.timestamp())
            done["asked"] += 1
            done["right" if correct else "wrong"] += 1
            ui.card_feedback(card, self.lang, correct, review.due, when)
        ui.quiz_summary(done)
        return done
