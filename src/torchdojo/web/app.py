"""``torchdojo serve``: the local web app, a JSON API over the bank, workspace, grader and store.

The page (``static/``) is one HTML file, one script and the bundled CodeMirror and KaTeX; it
uses only the API below, whose OpenAPI schema is at ``/openapi.json`` (no /docs page: it
would load Swagger UI from a CDN).
The editor's text is the learner's workspace file, the one ``torchdojo check`` grades, so the
CLI and the browser stay in step; attempts, hints, solutions and card reviews go to the same
progress database.

Safety: the server binds to 127.0.0.1 by default. Every request must name a local host (a page
on another site cannot reach it through DNS rebinding), and every request that changes state
must carry the per-start token that only the app's own page knows, in ``X-Torchdojo-Token``
(another site cannot read it, and cannot send a custom header without a CORS preflight that this
server never grants); a request whose ``Origin`` is not the app's own is refused as well.
Grading goes through the warm worker daemon, one check at a time: a second check waits for the
first (it is queued, not dropped), and a hostile submission only ever kills its sandboxed child.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from torchdojo.bank import LANGS, Bank, Problem, canonical_lang
from torchdojo.cards import Card, Deck
from torchdojo.grader.protocol import SOURCE_CAP, source_too_large
from torchdojo.lessons import Lesson, Lessons
from torchdojo.progress import card_rows, due_cards, new_left_today, progress
from torchdojo.results import Result
from torchdojo.review import now, phase, schedule
from torchdojo.store import Store
from torchdojo.web.render import to_html
from torchdojo.workspace import Workspace

STATIC = Path(__file__).parent / "static"
TOKEN_HEADER = "X-Torchdojo-Token"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
MAX_CODE = SOURCE_CAP  # UTF-8 bytes of the editor's text: the limit of every grading path
# a request body: the code as JSON, with room for escapes; anything bigger is refused unread
BODY_CAP = 8 * 1024 * 1024
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


# -- request bodies ---------------------------------------------------------------------------
class CodeIn(BaseModel):
    code: str  # at most MAX_CODE bytes (checked in UTF-8, with a message, by the handlers)


class CheckIn(CodeIn):
    scope: Literal["public", "all"] = "all"


class SolutionIn(BaseModel):
    confirm: bool = False


class LangIn(BaseModel):
    lang: str


class AnswerIn(BaseModel):
    answer: str = Field(max_length=2000)
    rating: Literal["hard", "good", "easy"] = "good"


# -- the two modes ------------------------------------------------------------------------------
def same_secret(given: str, secret: str) -> bool:
    """``given == secret`` in constant time; a header arrives as latin-1 text, so compare bytes
    (``compare_digest`` refuses a ``str`` with non-ASCII characters)."""
    return secrets.compare_digest(given.encode(), secret.encode())


class LocalMode:
    """One learner on their own machine: the workspace's files and progress database, the warm
    worker daemon, and the per-start token that only the app's own page knows."""

    kind = "local"

    def __init__(self, ws: Workspace, grade: Any = None, token: str | None = None) -> None:
        self.ws = ws
        self.token = token or secrets.token_urlsafe(24)
        self.grade_lock = threading.Lock()  # a thread lock: held across the grading thread
        self.waiting = 0
        self.closers: list[Any] = []
        if grade is None:  # one grader for the app's life: the daemon's client, or a cold worker
            from torchdojo.grader.client import Grader

            grader = Grader(ws)
            self.closers.append(grader.close)

            def grade(pid: str, source: str, scope: str, filename: str) -> Result:
                return grader.grade(pid, source, scope, filename)

            def warm() -> None:
                with self.grade_lock:
                    grader.layers()
        else:
            def warm() -> None:
                pass
        self.grade, self.warm = grade, warm

    async def guard(self, request: Request) -> Response | None:
        if request.method not in SAFE_METHODS and request.url.path.startswith("/api/") and \
                not same_secret(request.headers.get(TOKEN_HEADER, ""), self.token):
            return JSONResponse({"detail": f"missing or wrong {TOKEN_HEADER}"}, 403)
        return None

    def page(self, request: Request, html: str) -> Response:
        return HTMLResponse(html.replace("{{TOKEN}}", self.token).replace("{{USER}}", ""),
                            headers={"Cache-Control": "no-store"})

    @contextmanager
    def store(self, request: Request) -> Iterator[Store]:
        st = Store(self.ws.db_path)  # one connection per request: sqlite objects stay in a thread
        try:
            yield st
        finally:
            st.close()

    def code_of(self, request: Request, p: Problem, st: Store) -> str:
        path = self.ws.path_for(p)
        return path.read_text(encoding="utf-8") if path.exists() else p.starter()

    def file_of(self, request: Request, p: Problem) -> str:
        return str(self.ws.path_for(p))

    def save_code(self, request: Request, p: Problem, code: str) -> dict:
        path = self.ws.path_for(p)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
        return {"saved": str(path)}

    def reset(self, request: Request, p: Problem) -> dict:
        path, backup = self.ws.reset(p)
        return {"code": path.read_text(encoding="utf-8"),
                "backup": str(backup) if backup else None}

    async def check(self, request: Request, p: Problem, code: str, scope: str) -> Any:
        def one_at_a_time() -> Result:
            with self.grade_lock:  # one check at a time; later ones wait their turn
                return self.grade(p.id, code, scope, self.ws.path_for(p).name)

        self.waiting += 1
        try:
            res = await run_in_threadpool(one_at_a_time)
        finally:
            self.waiting -= 1
        with self.store(request) as st:
            st.record_attempt(res, scope)
        return res.to_dict()

    def grader_state(self, request: Request) -> dict:
        return {"busy": self.grade_lock.locked(), "waiting": self.waiting}

    def close(self) -> None:
        for close in self.closers:
            close()


# -- the app ------------------------------------------------------------------------------------
def create_app(ws: Workspace, *, grade: Any = None, token: str | None = None,
               extra_hosts: tuple[str, ...] = ()) -> FastAPI:
    """The local app over workspace ``ws``.

    ``grade(problem_id, source, scope, filename) -> Result`` defaults to the worker daemon;
    ``token`` to a fresh random one; ``extra_hosts`` are Host names accepted besides the local
    ones (the host the server was bound to, or the test client's).
    """
    mode = LocalMode(ws, grade, token)
    app = build_app(mode, hosts=LOCAL_HOSTS | set(extra_hosts))
    app.state.token = mode.token
    app.state.warm = mode.warm  # start the grader (the daemon, or a cold worker) before check 1
    return app


def build_app(mode: Any, hosts: set[str] | None) -> FastAPI:
    """The app's pages and API over ``mode`` (``LocalMode`` here, or server mode's, which adds
    accounts and the queue): the mode owns where code and progress live, how a request is
    allowed, and how a check is graded. ``hosts``: the Host names served (None: any)."""
    bank, deck = Bank(), Deck()
    lessons = Lessons(bank, deck)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        yield
        mode.close()

    app = FastAPI(title="torchdojo", version="1", docs_url=None, redoc_url=None,  # CDN pages
                  lifespan=lifespan,
                  description="The torchdojo app's API: problems, grading, hints, "
                              "solutions, progress and the concept-card quiz.")

    @app.middleware("http")
    async def guard(request: Request, call_next):  # type: ignore[no-untyped-def]
        host = _hostname(request.headers.get("host", ""))
        if hosts is not None and host not in hosts:
            return JSONResponse({"detail": f"host {host!r} is not served here"}, 421)
        origin = request.headers.get("origin")
        if origin and origin != f"{request.url.scheme}://{request.headers.get('host')}":
            return JSONResponse({"detail": "cross-origin requests are refused"}, 403)
        too_big = _body_too_large(request)
        if too_big:
            return JSONResponse({"detail": too_big[1]}, too_big[0])
        refused = await mode.guard(request)
        if refused is not None:
            return refused
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's default answer repeats the input: never send a request body back
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))[:200],
                   "type": str(e.get("type", ""))} for e in exc.errors()[:10]]
        return JSONResponse({"detail": errors}, 422)

    def problem(pid: str) -> Problem:
        try:
            return bank.get(pid)
        except KeyError as exc:
            raise HTTPException(404, str(exc.args[0])) from None

    def card(cid: str) -> Card:
        try:
            return deck.get(cid)
        except KeyError as exc:
            raise HTTPException(404, str(exc.args[0])) from None

    def lang_of(lang: str | None, st: Store) -> str:
        chosen = canonical_lang(lang) if lang else st.get_setting("lang", "en")
        if chosen is None:
            raise HTTPException(422, f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
        return chosen

    # -- pages ------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> Response:
        html = (STATIC / "index.html").read_text(encoding="utf-8")
        return mode.page(request, html.replace("{{MAX_CODE}}", str(MAX_CODE)))

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- problems ---------------------------------------------------------------------------
    @app.get("/api/problems", summary="Every problem with its track, difficulty, tags, status")
    def list_problems(request: Request, lang: str | None = None) -> list[dict]:
        with mode.store(request) as st:
            lang, statuses = lang_of(lang, st), st.statuses()
        return [{"id": p.id, "track": p.track, "number": bank.number[p.id],
                 "title": p.title_in(lang), "difficulty": p.difficulty, "tags": list(p.tags),
                 "status": statuses.get(p.id, "new")} for p in bank]

    @app.get("/api/course", summary="Each track in curriculum order, lessons before problems")
    def course(request: Request, lang: str | None = None) -> list[dict]:
        with mode.store(request) as st:
            lang, read = lang_of(lang, st), st.lessons_read()
        out = []
        for track, info in bank.track_info.items():
            items = [{"kind": "problem", "id": x.id} if isinstance(x, Problem) else
                     {"kind": "lesson", "id": x.id, "title": x.title_in(lang),
                      "read": x.id in read} for x in lessons.course(track)]
            out.append({"track": track, "title": info.title_in(lang),
                        "blurb": info.blurb_in(lang), "items": items})
        return out

    @app.get("/api/next", summary="The problem to do next (the CLI's `torchdojo next`)")
    def next_problem(request: Request) -> dict:
        with mode.store(request) as st:
            p = bank.next_problem(st.statuses(), st.last_problem())
        return {"next": None if p is None else {"id": p.id, "track": p.track}}

    def lesson(lid: str) -> Lesson:
        try:
            return lessons.get(lid)
        except KeyError as exc:
            raise HTTPException(404, str(exc.args[0])) from None

    @app.get("/api/lessons/{lid}", summary="A lesson: its text (HTML), problems and cards")
    def get_lesson(request: Request, lid: str, lang: str | None = None) -> dict:
        les = lesson(lid)
        with mode.store(request) as st:
            lang, statuses = lang_of(lang, st), st.statuses()
            read = les.id in st.lessons_read()
        return {"id": les.id, "track": les.track, "title": les.title_in(lang),
                "track_title": bank.track_info[les.track].title_in(lang),
                "html": to_html(les.text(lang)), "read": read,
                "problems": [{"id": p.id, "title": p.title_in(lang), "difficulty": p.difficulty,
                              "status": statuses.get(p.id, "new")}
                             for p in lessons.problems_of(les)],
                "cards": [{"id": c.id, "title": c.title_in(lang), "track": c.track}
                          for c in lessons.cards_of(les)]}

    @app.post("/api/lessons/{lid}/read", summary="Mark a lesson read")
    def read_lesson(request: Request, lid: str) -> dict:
        les = lesson(lid)
        with mode.store(request) as st:
            st.mark_lesson_read(les.id)
        return {"read": True}

    @app.get("/api/problems/{pid}", summary="A problem: statement (HTML), code, hints shown")
    def get_problem(request: Request, pid: str, lang: str | None = None) -> dict:
        p = problem(pid)
        with mode.store(request) as st:
            lang = lang_of(lang, st)
            shown = st.hints_revealed(p.id)
            status, viewed = st.status(p.id), st.solution_viewed(p.id)
            code = mode.code_of(request, p, st)
        les = lessons.lesson_for(p.id)
        return {"id": p.id, "track": p.track, "title": p.title_in(lang), "lang": lang,
                "track_title": bank.track_info[p.track].title_in(lang),
                "number": bank.number[p.id], "of": len(bank.in_track(p.track)),
                "lesson": {"id": les.id, "title": les.title_in(lang)} if les else None,
                "difficulty": p.difficulty, "tags": list(p.tags), "status": status,
                "statement_html": to_html(p.body(lang)), "code": code,
                "file": mode.file_of(request, p), "hints_total": len(p.hints),
                "hints": [to_html(p.hint(i, lang)) for i in range(shown)],
                "solution_viewed": viewed}

    @app.put("/api/problems/{pid}/code", summary="Save the editor's text to the workspace file")
    def save_code(request: Request, pid: str, body: CodeIn) -> dict:
        p = problem(pid)
        too_big = source_too_large(body.code)
        if too_big:
            raise HTTPException(413, f"not saved: {too_big}")
        return mode.save_code(request, p, body.code)

    @app.post("/api/problems/{pid}/check", summary="Save, then grade: the result shape v1")
    async def check(pid: str, body: CheckIn, request: Request) -> Any:
        p = problem(pid)
        save_code(request, pid, body)
        return await mode.check(request, p, body.code, body.scope)

    @app.get("/api/grader", summary="Whether a check is running and how many wait")
    def grader_state(request: Request) -> dict:
        return mode.grader_state(request)

    @app.post("/api/problems/{pid}/hint", summary="Reveal the next hint")
    def hint(request: Request, pid: str, lang: str | None = None) -> dict:
        p = problem(pid)
        with mode.store(request) as st:
            lang = lang_of(lang, st)
            n = st.reveal_hint(p.id, len(p.hints))
        return {"hints": [to_html(p.hint(i, lang)) for i in range(n)],
                "hints_total": len(p.hints)}

    @app.post("/api/problems/{pid}/solution",
              summary="The reference and explanation: after a pass, or with confirm=true")
    def solution(request: Request, pid: str, body: SolutionIn, lang: str | None = None) -> dict:
        p = problem(pid)
        with mode.store(request) as st:
            lang = lang_of(lang, st)
            solved = st.status(p.id) == "solved"
            if not solved and not body.confirm:
                raise HTTPException(403, "not solved yet: confirm to see the solution anyway")
            st.mark_solution_viewed(p.id, after_pass=solved)
        return {"code": p.read("solution.py"),
                "explanation_html": to_html(p.explanation(lang)), "after_pass": solved}

    @app.post("/api/problems/{pid}/reset", summary="Replace the workspace file by the starter")
    def reset(request: Request, pid: str) -> dict:
        return mode.reset(request, problem(pid))

    # -- progress and settings --------------------------------------------------------------
    @app.get("/api/progress", summary="Solved/attempted per track; cards due and learned")
    def get_progress(request: Request) -> dict:
        with mode.store(request) as st:
            return progress(bank, deck, st, now())

    @app.get("/api/settings", summary="The learner's settings (language)")
    def get_settings(request: Request) -> dict:
        with mode.store(request) as st:
            return {"lang": lang_of(None, st), "langs": list(LANGS)}

    @app.put("/api/settings/lang", summary="Choose the language (persists)")
    def set_lang(request: Request, body: LangIn) -> dict:
        with mode.store(request) as st:
            lang = lang_of(body.lang, st)
            st.set_setting("lang", lang)
        return {"lang": lang}

    # -- the concept-card quiz --------------------------------------------------------------
    @app.get("/api/cards", summary="Every card with its track, sources and review state")
    def list_cards(request: Request) -> list[dict]:
        with mode.store(request) as st:
            return card_rows(deck, st.card_states())

    def card_question(c: Card, lang: str) -> dict:
        return {"id": c.id, "track": c.track, "title": c.title_in(lang), "kind": c.kind,
                "difficulty": c.difficulty,
                "question_html": to_html(c.question(lang)),
                "prompt_html": to_html(c.prompt(lang)),
                "options": [to_html(o) for o in c.options(lang)] if c.kind == "choice" else []}

    @app.get("/api/quiz/next", summary="The next due card (or null) and the counts")
    def quiz_next(request: Request, track: str | None = None, lang: str | None = None,
                  new: int | None = None) -> dict:
        with mode.store(request) as st:
            lang, states = lang_of(lang, st), st.card_states()
            left = new_left_today(st, now(), new)
        cards = deck.in_track(track) if track else list(deck)
        queue = due_cards(cards, states, now(), left)
        return {"card": card_question(queue[0], lang) if queue else None,
                "left": len(queue), "tracks": deck.tracks}

    @app.post("/api/quiz/{cid}/answer",
              summary="Check an answer, schedule the next review (FSRS), show the model answer")
    def quiz_answer(request: Request, cid: str, body: AnswerIn, lang: str | None = None) -> dict:
        c = card(cid)
        correct = c.grade(body.answer)
        if correct is None:
            raise HTTPException(422, "not a valid answer for this card")
        rating = body.rating if correct else "again"
        with mode.store(request) as st:
            lang = lang_of(lang, st)
            prev = st.card_states().get(c.id)
            when = now()
            review = schedule(prev["fsrs"] if prev else None, rating, when)
            st.record_review(c.id, when.timestamp(), correct, rating, body.answer,
                             review.state, review.due.timestamp())
        return {"correct": correct, "correct_text": c.correct_text, "rating": rating,
                "answer_html": to_html(c.answer(lang)),
                "key_points_html": [to_html(k) for k in c.key_points(lang)],
                "explain_html": to_html(c.explain(lang)), "demo": c.demo,
                "due": review.due.isoformat(timespec="seconds"), "phase": phase(review.state)}

    if hasattr(mode, "install"):  # server mode's own routes (accounts, jobs, admin)
        mode.install(app)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    app.state.mode = mode
    return app


def _body_too_large(request: Request) -> tuple[int, str] | None:
    """(status, message) for a request body this app will not read, or None."""
    if request.method in SAFE_METHODS:
        return None
    declared = request.headers.get("content-length")
    if declared is None:
        if request.headers.get("transfer-encoding"):
            return 411, "a request body needs a Content-Length"
        return None
    try:
        size = int(declared)
    except ValueError:
        return 400, "a malformed Content-Length"
    if size > BODY_CAP:
        return 413, (f"a request body of {size / 1048576:.1f} MiB is more than this app accepts "
                     f"({BODY_CAP >> 20} MiB); the editor takes files of up to "
                     f"{MAX_CODE >> 20} MiB")
    return None


def _hostname(host: str) -> str:
    """The name part of a Host header: ``127.0.0.1:8000`` -> ``127.0.0.1``, ``[::1]:80`` ->
    ``[::1]``."""
    return host.split("]")[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]
