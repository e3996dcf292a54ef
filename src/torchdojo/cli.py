"""The ``torchdojo`` command line: a thin layer over bank, workspace, grader, store and results."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from torchdojo import ui
from torchdojo.bank import LANGS, Bank, BankError, Problem, canonical_lang
from torchdojo.cards import Card, Deck
from torchdojo.entry import main  # noqa: E402,F401 - the console script (fast path first)
from torchdojo.store import Store
from torchdojo.workspace import Workspace

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Offline, auto-graded PyTorch practice.")
_state: dict[str, object] = {}

LangOpt = Annotated[str, typer.Option("--lang", "-l", help="en, zh-Hans or zh-Hant")]


@app.callback()
def _main(workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="workspace folder (default $TORCHDOJO_WORKSPACE or ~/torchdojo)")]
          = None) -> None:
    _state["workspace"] = workspace


def _ws() -> Workspace:
    if "ws" not in _state:
        _state["ws"] = Workspace.open(_state.get("workspace"))  # type: ignore[arg-type]
    return _state["ws"]  # type: ignore[return-value]


def _loaded(key: str, load, what: str):  # type: ignore[no-untyped-def]
    """Load the bank or the deck once per command; a broken one exits 2 with the reason."""
    if key not in _state:
        try:
            _state[key] = load()
        except BankError as exc:
            ui.error(f"the {what} is broken: {exc}")
            raise typer.Exit(2) from None
    return _state[key]


def _bank() -> Bank:
    return _loaded("bank", Bank, "problem bank")


def _deck() -> Deck:
    return _loaded("deck", Deck, "set of concept cards")


def _card_phase(c: Card) -> str:
    from torchdojo.review import phase

    st = _store().card_states().get(c.id)
    return phase(st["fsrs"] if st else None)


def _store() -> Store:
    if "store" not in _state:
        _state["store"] = Store(_ws().db_path)
    return _state["store"]  # type: ignore[return-value]


def _problem(pid: str) -> Problem:
    try:
        return _bank().get(pid)
    except KeyError as exc:
        ui.error(str(exc.args[0]))
        raise typer.Exit(2) from None


def _lang(lang: str) -> str:
    canonical = canonical_lang(lang)
    if canonical is None:
        ui.error(f"unknown language {lang!r}; use one of {', '.join(LANGS)} (or zh, zh-TW…)")
        raise typer.Exit(2)
    return canonical


def _grader(cold: bool = False, one_shot: bool = False):  # type: ignore[no-untyped-def]
    from torchdojo.grader.client import Grader

    return Grader(_ws(), cold=cold or None, one_shot=one_shot)


def _next() -> Problem | None:
    """What to do next: after the problem worked on last (the one rule, torchdojo.course)."""
    return _bank().next_problem(_store().statuses(), _store().last_problem())


@app.command("list")
def list_(track: Annotated[str | None, typer.Option(help="only this track (e.g. 01_tensors)")]
          = None, as_json: Annotated[bool, typer.Option("--json")] = False,
          lang: LangOpt = "en") -> None:
    """Tracks and problems with difficulty and your status."""
    bank = _bank()
    problems = bank.in_track(track) if track else list(bank)
    if track and not problems:
        ui.error(f"no track {track!r}; tracks: {', '.join(bank.tracks)}")
        raise typer.Exit(2)
    from torchdojo.quick import show_list  # the one writer of the table (fast path too)

    show_list(_ws(), track, _lang(lang), as_json)


@app.command()
def show(pid: Annotated[str, typer.Argument(metavar="ID")], lang: LangOpt = "en",
         answer: Annotated[bool, typer.Option(help="a card: show the model answer too")]
         = False) -> None:
    """Show a problem's statement or a concept card (English, zh-Hans or zh-Hant)."""
    if pid not in _bank().problems and pid in _deck():
        c = _deck().get(pid)
        ui.card(c, _lang(lang), _card_phase(c), show_answer=answer)
        return
    from torchdojo.lessons import Lessons
    from torchdojo.words import word

    p = _problem(pid)
    lang = _lang(lang)
    bank = _bank()
    lesson = Lessons(bank, _deck()).lesson_for(p.id)
    ui.statement(p, lang, _store().status(p.id), (bank.number[p.id], len(bank.in_track(p.track))),
                 bank.track_info[p.track].title_in(lang), lesson.id if lesson else None)
    path = _ws().path_for(p)
    where = (f"{word('your_file', lang)}: {path}" if path.exists() else
             f"{word('start_it', lang)}: torchdojo start {p.id}")
    ui.info(f"[dim]{where}[/]")


@app.command()
def start(pid: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Copy the starter into your workspace (never overwrites your edits) and print its path."""
    p = _problem(pid)
    path, created = _ws().start(p)
    ui.info(f"{'created' if created else 'already there (kept your edits)'}: {path}")
    ui.info(f"[dim]edit it, then: torchdojo check {p.id}   (or: torchdojo watch)[/]")


@app.command()
def check(pid: Annotated[str, typer.Argument(metavar="ID")],
          file: Annotated[Path | None, typer.Option(help="grade this file instead")] = None,
          as_json: Annotated[bool, typer.Option("--json")] = False,
          public: Annotated[bool, typer.Option(help="run only the public tests")] = False,
          cold: Annotated[bool, typer.Option(help="grade in this process, no daemon")] = False,
          ) -> None:
    """Grade your file; exit code 0 on pass, 1 otherwise."""
    p = _problem(pid)
    path = file or _ws().path_for(p)
    if not path.exists():
        ui.error(f"{path} does not exist; run: torchdojo start {p.id}")
        raise typer.Exit(2)
    source = path.read_text(encoding="utf-8")
    scope = "public" if public else "all"
    grader = _grader(cold, one_shot=True)
    try:
        if as_json:
            res = grader.grade(p.id, source, scope, path.name)
        else:
            with ui.status_spinner(f"grading {p.id}…"):
                res = grader.grade(p.id, source, scope, path.name)
    finally:
        grader.close()
    from torchdojo.quick import report  # one way to record and print a check, both paths

    raise typer.Exit(report(_ws(), res, scope, as_json))


@app.command()
def hint(pid: Annotated[str, typer.Argument(metavar="ID")], lang: LangOpt = "en") -> None:
    """Reveal the next hint (they get more revealing)."""
    p = _problem(pid)
    before = _store().hints_revealed(p.id)
    shown = _store().reveal_hint(p.id, len(p.hints))
    ui.hint(p, shown, _lang(lang))
    if before == shown:
        ui.info("[dim]all hints are shown; `torchdojo solution` shows the reference.[/]")


@app.command()
def solution(pid: Annotated[str, typer.Argument(metavar="ID")], lang: LangOpt = "en",
             yes: Annotated[bool, typer.Option("--yes", "-y", help="no confirmation")] = False,
             ) -> None:
    """The reference solution and explanation: after a pass, or after you confirm."""
    p = _problem(pid)
    solved = _store().status(p.id) == "solved"
    if not solved and not yes and not ui.confirm(
            f"You have not solved {p.id} yet. Show the solution anyway?"):
        ui.info("not shown. (use --yes to skip this question)")
        raise typer.Exit(1)
    _store().mark_solution_viewed(p.id, after_pass=solved)
    ui.code(p.read("solution.py"), f"{p.id} — reference solution")
    ui.markdown(p.explanation(_lang(lang)))


@app.command()
def reset(pid: Annotated[str, typer.Argument(metavar="ID")],
          yes: Annotated[bool, typer.Option("--yes", "-y")] = False) -> None:
    """Overwrite your file with the starter (the old one is kept as .bak)."""
    p = _problem(pid)
    if _ws().exists(p) and not yes and not ui.confirm(
            f"Replace {_ws().path_for(p)} with the starter?"):
        ui.info("kept your file.")
        raise typer.Exit(1)
    path, backup = _ws().reset(p)
    ui.info(f"reset: {path}" + (f" (old version: {backup})" if backup else ""))


@app.command("next")
def next_() -> None:
    """Name the next unsolved problem."""
    p = _next()
    if p is None:
        ui.info("[green]everything is solved.[/]")
        return
    ui.info(f"next: [bold]{p.id}[/] — {p.title['en']} ({p.track}, {p.difficulty})")
    ui.info(f"[dim]torchdojo show {p.id}   ·   torchdojo start {p.id}[/]")


def _lessons():  # type: ignore[no-untyped-def]
    from torchdojo.lessons import Lessons

    return _loaded("lessons", lambda: Lessons(_bank(), _deck()), "set of lessons")


@app.command()
def learn(what: Annotated[str | None, typer.Argument(
              metavar="[TRACK|LESSON]", help="a track (its lessons) or a lesson (its page)")]
          = None, lang: LangOpt = "en") -> None:
    """Lessons: short pages that teach an idea before its problems, each ending in them.

    With no argument: the lesson before your next problem (or the first one you have not read).
    """
    lessons, lang = _lessons(), _lang(lang)
    read = _store().lessons_read()
    if what is None:
        nxt = _next()
        les = lessons.lesson_for(nxt.id) if nxt else None
        if les is None or les.id in read:
            les = next((x for x in lessons if x.id not in read), None)
        if les is None:
            ui.info("[green]every lesson is read.[/] `torchdojo learn TRACK` lists a track's.")
            return
        what = les.id
    if what in lessons:
        les = lessons.get(what)
        statuses = _store().statuses()
        ui.lesson(les, lang, lessons.problems_of(les), statuses, lessons.cards_of(les),
                  _bank().track_info[les.track].title_in(lang))
        _store().mark_lesson_read(les.id)
        return
    track = next((t for t in _bank().tracks if what in (t, t.split("_", 1)[1])), None)
    if track is None:
        ui.error(f"no track or lesson {what!r}; tracks: {', '.join(_bank().tracks)}")
        raise typer.Exit(2)
    ui.lesson_table(track, _bank().track_info[track], lessons.course(track), read,
                    _store().statuses(), lang)


@app.command()
def progress(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Solved and attempted problems per track and overall; concept cards due and learned."""
    from torchdojo.progress import progress as progress_of
    from torchdojo.review import now

    data = progress_of(_bank(), _deck(), _store(), now())
    if as_json:
        print(json.dumps(data, indent=1))
        return
    ui.progress(data["tracks"], data["overall"])
    if data["cards"]["tracks"]:
        ui.card_progress(data["cards"]["tracks"], data["cards"]["overall"],
                         data["cards"]["new_per_day"])


@app.command()
def quiz(track: Annotated[str | None, typer.Option(help="only this track's cards")] = None,
         lang: LangOpt = "en",
         new: Annotated[int | None, typer.Option(
             help="new cards a day at most (default: the setting new_per_day, 10)")] = None,
         list_: Annotated[bool, typer.Option("--list", help="list the cards instead")] = False,
         as_json: Annotated[bool, typer.Option("--json", help="with --list: as JSON")] = False,
         ) -> None:
    """Concept cards, spaced repetition (FSRS): answers the due cards, schedules the next."""
    from torchdojo.progress import card_rows
    from torchdojo.quiz import QuizSession

    deck = _deck()
    cards = deck.in_track(track) if track else list(deck)
    if track and not cards:
        ui.error(f"no cards in track {track!r}; tracks: {', '.join(deck.tracks)}")
        raise typer.Exit(2)
    if list_:
        rows = [r for r in card_rows(deck, _store().card_states())
                if r["id"] in {c.id for c in cards}]
        if as_json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            ui.card_table(rows, _lang(lang))
        return
    QuizSession(cards, _store(), _lang(lang), new_limit=new).run()


@app.command()
def validate(ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...")] = None,
             as_json: Annotated[bool, typer.Option("--json")] = False,
             cold: Annotated[bool, typer.Option(help="grade in this process, no daemon")] = False,
             ) -> None:
    """Prove the bank: problems (references pass, starters and mutants fail) and cards."""
    from torchdojo.validate import mutation_scores, validate_cards, validate_problem

    ids = ids or []
    cards = [_deck().get(i) for i in ids if i in _deck() and i not in _bank().problems]
    problems = [_problem(i) for i in ids if i not in {c.id for c in cards}]
    if not ids:
        problems, cards = list(_bank()), list(_deck())
    reports = []
    if problems:
        grader = _grader(cold)
        try:
            # the daemon has a warm worker per core: grade the mutants that many at a time
            jobs = 1 if grader.cold else (os.cpu_count() or 1)
            for p in problems:
                rep = validate_problem(p, lambda pid, src, fn: grader.grade(pid, src, "all", fn),
                                       jobs=jobs)
                reports.append(rep)
                if not as_json:
                    ui.validate_line(p.id, rep.ok, rep.issues, rep.duration_ms)
        finally:
            grader.close()
    if cards:
        with ui.status_spinner(f"running the demos of {len(cards)} cards…"):
            card_reports = validate_cards(cards, set(_bank().problems))
        reports += card_reports
        if not as_json:
            for rep in card_reports:
                ui.validate_line(rep.problem, rep.ok, rep.issues, rep.duration_ms)
    bad = [r for r in reports if not r.ok]
    scores = mutation_scores(reports, {p.id: p.track for p in problems})
    if as_json:
        print(json.dumps([{"problem": r.problem, "ok": r.ok, "issues": r.issues,
                           "duration_ms": r.duration_ms, "mutants": r.mutants,
                           "rejected": r.rejected} for r in reports], indent=1))
    else:
        for track, (k, n) in scores.items():
            if n:
                ui.info(f"mutation score {track}: {k} of {n} wrong answers rejected "
                        f"({100 * k / n:.0f}%)")
        ui.info(f"{len(reports) - len(bad)} of {len(reports)} valid "
                f"({len(problems)} problems, {len(cards)} cards)")
    raise typer.Exit(1 if bad else 0)


@app.command()
def serve(host: Annotated[str, typer.Option(help="address to bind (local only by default)")]
          = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port")] = 8000,
          open_browser: Annotated[bool, typer.Option("--open/--no-open",
                                                     help="open it in the browser")] = True,
          server: Annotated[bool, typer.Option(
              "--server", help="class mode: accounts, PostgreSQL, Redis + RQ grading workers")]
          = False,
          database: Annotated[str | None, typer.Option(
              help="server mode: PostgreSQL URL (else $TORCHDOJO_DATABASE_URL; neither: "
                   "development servers in a temporary directory)")] = None,
          redis: Annotated[str | None, typer.Option(
              help="server mode: Redis URL (else $TORCHDOJO_REDIS_URL)")] = None,
          workers: Annotated[int, typer.Option(
              help="server mode: grading workers on this host (0: they run elsewhere)")]
          = os.cpu_count() or 1,
          ) -> None:
    """The web app: problems, editor, instant grading, hints, progress, the quiz.

    Alone it serves one learner from the workspace; with --server it serves a class."""
    if server:
        from torchdojo.server.launch import serve as serve_class

        serve_class(host, port, database, redis, workers, _ws().cache_dir / "server-refs",
                    ui.info)
        return
    import socket
    import threading
    import webbrowser

    import uvicorn

    from torchdojo.web.app import create_app

    wildcard = host in ("0.0.0.0", "::", "")
    try:  # say plainly when the port is taken, before printing an address that is not ours
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind((host, port))
    except OSError as exc:
        ui.error(f"cannot listen on {host}:{port}: {exc.strerror}; try --port {port + 1}")
        raise typer.Exit(2) from None
    names = (socket.gethostname(), socket.getfqdn()) if wildcard else (host,)
    web = create_app(_ws(), extra_hosts=names)
    url = f"http://{'127.0.0.1' if wildcard else host}:{port}/"
    if host not in ("127.0.0.1", "localhost", "::1"):
        ui.info(f"[yellow]bound to {host}: other machines that can reach it can submit code to "
                "this machine's grader sandbox.[/]")
    ui.info(f"torchdojo is at [bold]{url}[/]   (Ctrl-C stops it; API schema: {url}openapi.json)")

    def warm() -> None:  # start the grader now, so the first check is fast
        try:
            web.state.warm()
        except Exception:  # noqa: BLE001 - the first check starts it anyway
            pass
    threading.Thread(target=warm, daemon=True).start()
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    uvicorn.run(web, host=host, port=port, log_level="warning")


@app.command()
def doctor(cold: Annotated[bool, typer.Option(help="check in this process, no daemon")] = False,
           ) -> None:
    """Which sandbox layers this machine gives the grader."""
    grader = _grader(cold)
    try:
        layers = grader.layers()
    finally:
        grader.close()
    strong = all(layers.get(k, "").startswith("on") for k in
                 ("namespaces", "pid namespace", "landlock", "seccomp"))
    fit = ("[green]fit for untrusted code on this machine (all key layers on).[/]" if strong else
           "[yellow]some layers are missing: fit for single-user practice only.[/]")
    ui.layers(layers, fit)
    ui.info(_reads(layers))


def _reads(layers: dict[str, str]) -> str:
    """What the graded code can read, in one line: which layers keep the references secret."""
    how = []
    if layers.get("landlock", "").startswith("on"):
        how.append("a Landlock read allow-list (the system, Python and its packages only)")
    if layers.get("hidden", "").startswith("on"):
        how.append("empty read-only mounts over the bank's references and the workspace")
    if not how:
        return ("read restrictions: none on this machine - graded code can read the reference "
                "solutions and your workspace")
    return ("read restrictions: graded code cannot read the reference solutions, the reference "
            "cache, the workspace or the progress database (" + "; ".join(how) + ")")


@app.command()
def daemon(action: Annotated[str, typer.Argument(help="status | stop")] = "status") -> None:
    """Status of the background grading daemon, or stop it."""
    from torchdojo.grader.client import DaemonClient, DaemonError

    client = DaemonClient(_ws())
    if action == "stop":
        ui.info("stopped." if client.stop() else "not running.")
        return
    try:
        r = client.request({"op": "ping"}, start=False)
        ui.info(f"running: pid {r['pid']}, {r['workers']} worker(s), socket {_ws().socket_path}")
    except (DaemonError, OSError):
        ui.info("not running (it starts on the next check).")


@app.command()
def watch(lang: LangOpt = "en",
          cold: Annotated[bool, typer.Option(help="grade in this process, no daemon")] = False,
          ) -> None:
    """Re-grade on every save; on a pass, move on. Keys: h hint · n next · q quit."""
    from torchdojo.watch import Watcher

    Watcher(_ws(), _bank(), _store(), _grader(cold), _lang(lang)).run()


if __name__ == "__main__":
    main()


server_app = typer.Typer(no_args_is_help=True, help="Run a class server's accounts and schema.")
app.add_typer(server_app, name="server")


def _server_db():  # type: ignore[no-untyped-def]
    from torchdojo.server.db import Database

    url = os.environ.get("TORCHDOJO_DATABASE_URL")
    if not url:
        ui.error("set TORCHDOJO_DATABASE_URL to the class server's PostgreSQL URL")
        raise typer.Exit(2)
    return Database(url, pool_size=1)


@server_app.command("migrate")
def server_migrate() -> None:
    """Bring the server's database to the newest schema (Alembic)."""
    from torchdojo.server.db import upgrade

    db = _server_db()
    upgrade(db.url)
    ui.info("the schema is up to date")


@server_app.command("invite")
def server_invite(uses: Annotated[int, typer.Option(help="sign-ups it allows")] = 50,
                  days: Annotated[float, typer.Option(help="days it stays valid")] = 14) -> None:
    """A new invite code for learners to sign up with."""
    from torchdojo.server import accounts

    ui.info(accounts.create_invite(_server_db(), uses, days))


@server_app.command("add-user")
def server_add_user(name: str,
                    admin: Annotated[bool, typer.Option(help="may see the class page")] = False,
                    ) -> None:
    """Add an account (the password is asked for, twice)."""
    from torchdojo.server import accounts

    password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        uid = accounts.create_user(_server_db(), name, password, admin=admin)
    except accounts.AccountError as exc:
        ui.error(str(exc))
        raise typer.Exit(2) from None
    ui.info(f"user {name} added (id {uid}{', admin' if admin else ''})")
