"""The one rule for "what next", used by every interface (CLI, watch, web, the fast path).

It works on the curriculum order alone (pairs of problem id and track, as the bank or its
cached index lists them), so the fast ``check`` path can answer without loading the bank.
"""

from __future__ import annotations


def next_problem(order: list[tuple[str, str]], statuses: dict[str, str], last: str | None,
                 skip: frozenset[str] | set[str] = frozenset()) -> str | None:
    """The problem to do next: the first unsolved one, in curriculum order, of the track of
    ``last`` (the problem the learner worked on most recently); when that track is done (or
    ``last`` is None), the first unsolved one of the whole course. Ids in ``skip`` (what the
    learner chose to pass over) are passed over. None when nothing is left."""
    track = next((t for pid, t in order if pid == last), None)
    todo = [(pid, t) for pid, t in order if statuses.get(pid) != "solved" and pid not in skip]
    return next((pid for pid, t in todo if t == track), None) or \
        next((pid for pid, _ in todo), None)
