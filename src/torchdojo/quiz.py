"""``torchdojo quiz``: ask the due concept cards, check the answers, schedule the next reviews.

Which cards come up: those whose FSRS due time has passed (oldest first), then cards never
seen, in deck order, up to a daily limit of new cards (``new_limit``, else the setting
``new_per_day``; cards first seen earlier today count against it). Each answer is checked by
the card's auto-check; the model answer, key points and why follow; the rating (wrong: Again; right:
Good unless the learner says hard or easy) goes to FSRS, and the new state is written to the
progress database before the next card, so quitting or a crash loses nothing answered.
"""

from __future__ import annotations

from collections.abc import Callable

from torchdojo import ui
from torchdojo.cards import Card
from torchdojo.progress import due_cards, iso, new_left_today
from torchdojo.review import now, schedule
from torchdojo.store import Store

QUIT = {"q", "quit", "exit", ":q"}
RATE_KEYS = {"": "good", "g": "good", "good": "good", "h": "hard", "hard": "hard",
             "e": "easy", "easy": "easy"}


class QuizSession:
    """One sitting of the quiz over ``cards``; ``ask`` reads a line (input() by default)."""

    def __init__(self, cards: list[Card], store: Store, lang: str,
                 ask: Callable[[str], str] = input, new_limit: int | None = None) -> None:
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
        queue = due_cards(self.cards, states, now(), new_left_today(self.store, now(),
                                                                    self.new_limit))
        done = {"asked": 0, "right": 0, "wrong": 0}
        if not queue:
            nxt = min((states[c.id]["due"] for c in self.cards if c.id in states), default=None)
            ui.info("nothing is due." + (f" next review: {iso(nxt)}" if nxt else ""))
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
