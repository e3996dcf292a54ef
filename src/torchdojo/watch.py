"""``torchdojo watch``: re-grade on every save (debounced); on a pass, move to the next problem.

Keys (when stdin is a terminal): ``h`` reveals a hint for the current problem, ``n`` moves to the
next unsolved problem, ``q`` quits. File events and keys arrive on one queue, so the loop is a
plain sequence of ``on_change`` / ``on_key`` calls (which the tests drive directly).
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from pathlib import Path

from torchdojo import ui
from torchdojo.bank import Bank, Problem
from torchdojo.store import Store
from torchdojo.workspace import Workspace

DEBOUNCE_MS = 300


class Watcher:
    def __init__(self, ws: Workspace, bank: Bank, store: Store, grader, lang: str = "en"
                 ) -> None:  # type: ignore[no-untyped-def]
        self.ws, self.bank, self.store, self.grader, self.lang = ws, bank, store, grader, lang
        self.current: Problem | None = None
        self.skipped: set[str] = set()  # what ``n`` passed over this session
        self.events: queue.Queue[tuple[str, object]] = queue.Queue()
        self.stop = threading.Event()

    # -- actions -------------------------------------------------------------------------
    def _next(self) -> Problem | None:
        """The one rule of what is next (torchdojo.course), from the problem worked on last and
        past what ``n`` skipped; when only skipped ones are left, those again."""
        statuses, last = self.store.statuses(), self.store.last_problem()
        if self.current is not None:
            last = self.current.id
        return (self.bank.next_problem(statuses, last, frozenset(self.skipped)) or
                self.bank.next_problem(statuses, last))
    def focus(self, p: Problem | None) -> None:
        self.current = p
        if p is None:
            ui.info("[green]everything is solved![/] (q quits)")
            return
        path, _ = self.ws.start(p)
        ui.info(f"\n[bold]{p.title_in(self.lang)}[/] [dim]({p.id}, {p.difficulty})[/]")
        ui.info(f"edit: {path}")
        ui.info(f"[dim]read it: torchdojo show {p.id} · keys: h hint · n next · q quit[/]")

    def on_change(self, path: Path) -> None:
        pid = self.ws.problem_for_path(path)
        if pid is None or pid not in self.bank.problems or not path.exists():
            return
        p = self.bank.get(pid)
        self.current = p
        ui.info(f"\n[dim]grading {path.name}…[/]")
        try:
            res = self.grader.grade(p.id, path.read_text(encoding="utf-8"), "all", path.name)
        except Exception as exc:  # noqa: BLE001 - keep watching whatever happens
            ui.error(f"could not grade: {exc}")
            return
        self.store.record_attempt(res)
        ui.result(res)
        if res.passed:
            ui.info("[green]solved![/] moving on.")
            self.focus(self._next())

    def on_key(self, key: str) -> None:
        if key == "q":
            self.stop.set()
        elif key == "n":
            if self.current is not None:
                self.skipped.add(self.current.id)
            self.focus(self._next())
        elif key == "h" and self.current is not None:
            shown = self.store.reveal_hint(self.current.id, len(self.current.hints))
            ui.hint(self.current, shown, self.lang)

    # -- loop ----------------------------------------------------------------------------
    def _watch_files(self) -> None:
        from watchfiles import watch

        for changes in watch(self.ws.root, debounce=DEBOUNCE_MS, stop_event=self.stop,
                             watch_filter=lambda _c, p: p.endswith(".py"), yield_on_timeout=False):
            for path in sorted({Path(p) for _, p in changes}):
                self.events.put(("file", path))

    def _read_keys(self) -> None:
        import termios
        import tty

        fd = sys.stdin.fileno()
        old = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            while not self.stop.is_set():
                ch = sys.stdin.read(1)
                if not ch:
                    break
                self.events.put(("key", ch.lower()))
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, old)

    def run(self) -> None:
        self.focus(self._next())
        threading.Thread(target=self._watch_files, daemon=True).start()
        if sys.stdin.isatty():
            threading.Thread(target=self._read_keys, daemon=True).start()
        ui.info(f"[dim]watching {self.ws.root} for saves…[/]")
        with contextlib.suppress(KeyboardInterrupt):
            while not self.stop.is_set():
                try:
                    kind, value = self.events.get(timeout=0.5)
                except queue.Empty:
                    continue
                if kind == "file":
                    self.on_change(value)  # type: ignore[arg-type]
                else:
                    self.on_key(str(value))
        self.stop.set()
        ui.info("bye.")
