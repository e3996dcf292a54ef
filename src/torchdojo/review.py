"""Spaced repetition for concept cards, scheduled by FSRS (the ``fsrs`` package).

The quiz turns an answer into an FSRS rating (a wrong answer is ``Again``; a right one is
``Good`` unless the learner says it was hard or easy), and FSRS returns the card's next state
and due time. The state is stored as FSRS's own JSON in the progress database, so a restart
resumes exactly where the last review left it. Interval fuzzing is off: the same answers on
the same clock always give the same schedule (the tests drive it with a fake clock).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
NOW_ENV = "TORCHDOJO_NOW"  # ISO 8601 time to use instead of the real clock (tests, demos)


def now() -> datetime:
    """The current time in UTC, or ``$TORCHDOJO_NOW`` when set."""
    fake = os.environ.get(NOW_ENV)
    if fake:
        t = datetime.fromisoformat(fake)
        return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)
    return datetime.now(UTC)


@dataclass(frozen=True)
class Review:
    """What one review did to a card."""

    state: str  # FSRS card JSON after the review
    due: datetime
    phase: str  # learning / review / relearning
    rating: str


_SCHEDULER = Scheduler(enable_fuzzing=False)


def schedule(state: str | None, rating: str, when: datetime) -> Review:
    """Review a card (``state`` None: never reviewed) with ``rating`` at ``when``."""
    card = FsrsCard.from_json(state) if state else FsrsCard(card_id=1, due=when)
    card, _log = _SCHEDULER.review_card(card, RATINGS[rating], review_datetime=when)
    return Review(state=card.to_json(), due=card.due, phase=card.state.name.lower(),
                  rating=rating)


def phase(state: str | None) -> str:
    """'new' for a card never reviewed, else FSRS's learning / review / relearning."""
    return "new" if not state else FsrsCard.from_json(state).state.name.lower()


def learned(state: str | None) -> bool:
    """A card counts as learned once FSRS has graduated it to the Review phase."""
    return bool(state) and FsrsCard.from_json(state).state == State.Review
