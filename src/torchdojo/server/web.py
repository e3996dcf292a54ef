"""``torchdojo serve --server``: the same pages and API as the local app, for a class.

``ServerMode`` plugs into ``torchdojo.web.app.build_app``: code and progress live in
PostgreSQL per user (``Database``), checks go through the Redis queue to the grading workers
(``checks``), and every request but the sign-in page needs a session cookie:
- the cookie holds a random token (HttpOnly, SameSite=Lax, Secure over https); the database
  keeps its SHA-256;
- every write under /api sends the session's CSRF token in ``X-Torchdojo-Token`` (the page
  reads it from its own HTML, as in the local app), and cross-origin requests are refused;
- a user's store and jobs are looked up by the session's user id only: there is no request
  that names another user;
- /admin (admins only) shows the class's progress per problem and per learner, counts only.
When PostgreSQL or Redis cannot be reached, pages get a short error page and the API a JSON
503 with the same sentence, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from torchdojo.bank import Bank, Problem
from torchdojo.server import accounts, checks
from torchdojo.server.db import Database, DatabaseUnavailable
from torchdojo.store import Store
from torchdojo.web.app import SAFE_METHODS, TOKEN_HEADER, build_app, same_secret
from torchdojo.words import WORDS, word

COOKIE = "torchdojo_session"
PAGES = Path(__file__).parent / "pages"
SESSION_CACHE_S = 2.0  # how long a looked-up session is trusted without asking the database
SESSION_CACHE_MAX = 10_000
PUBLIC = {"/login", "/api/login", "/api/signup", "/favicon.ico", "/healthz"}


class LoginIn(BaseModel):
    name: str = Field(max_length=64)
    password: str = Field(max_length=256)


class SignupIn(LoginIn):
    invite: str = Field(max_length=64)


class InviteIn(BaseModel):
    uses: int = Field(50, ge=1, le=1000)
    days: float = Field(14, gt=0, le=365)


def error_page(request: Request, status: int, message: str) -> Response:
    """The one answer to a failure we can name: JSON for the API, a short page otherwise."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status)
    body = (f"<!doctype html><meta charset='utf-8'><title>torchdojo: unavailable</title>"
            f"<link rel='stylesheet' href='/static/app.css'><main class='account'>"
            f"<h2>torchdojo is unavailable for a moment</h2><p id='error'>{html.escape(message)}"
            f"</p><p class='muted'>Your saved work is safe. Try again in a minute; if this "
            f"stays, tell the person who runs the server.</p></main>")
    return HTMLResponse(body, status, headers={"Retry-After": "30"})


class ServerMode:
    kind = "server"

    def __init__(self, db: Database, redis_url: str, secure_cookies: bool | None = None) -> None:
        self.db = db
        self.redis = checks.connect(redis_url)
        self.announcements = checks.Announcements(redis_url)
        self.secure = secure_cookies
        self.bank = Bank()
        self.sessions: dict[str, tuple[float, accounts.Session]] = {}  # token -> (until, session)

    def warm(self) -> None:
        pass

    def close(self) -> None:
        self.announcements.close()
        self.db.close()
        self.redis.close()

    # -- who is asking ------------------------------------------------------------------------
    async def guard(self, request: Request) -> Response | None:
        path = request.url.path
        if path in PUBLIC or path.startswith("/static/"):
            return None
        try:
            sess = await self._session(request.cookies.get(COOKIE))
        except DatabaseUnavailable as exc:
            return error_page(request, 503, str(exc))
        if sess is None:
            if path.startswith("/api/"):
                return JSONResponse({"detail": "sign in first"}, 401)
            return RedirectResponse("/login", 303)
        if request.method not in SAFE_METHODS and path.startswith("/api/") and \
                not same_secret(request.headers.get(TOKEN_HEADER, ""), sess.csrf):
            return JSONResponse({"detail": f"missing or wrong {TOKEN_HEADER}"}, 403)
        if (path.startswith("/admin") or path.startswith("/api/admin/")) and not sess.is_admin:
            return error_page(request, 403, "this page is for the class's admins")
        request.state.session = sess
        return None

    async def _session(self, token: str | None) -> accounts.Session | None:
        """The cookie's live session: from this process's cache for ``SESSION_CACHE_S`` after a
        lookup (a page's burst of requests costs one query), else from the database. Signing
        out here drops the entry at once; a session ended by another web process or by expiry
        lives on here for at most ``SESSION_CACHE_S``."""
        now = time.monotonic()
        hit = self.sessions.get(token or "")
        if hit is not None and hit[0] > now:
            return hit[1]
        sess = await run_in_threadpool(accounts.session, self.db, token)
        if sess is not None and token:
            if len(self.sessions) >= SESSION_CACHE_MAX:
                self.sessions.clear()
            self.sessions[token] = (now + SESSION_CACHE_S, sess)
        return sess

    def user(self, request: Request) -> accounts.Session:
        return request.state.session

    def page(self, request: Request, text: str) -> Response:
        sess = self.user(request)
        who = (f'<span class="account-bar"><b id="user">{html.escape(sess.name)}</b>'
               + (' · <a href="/admin" id="admin-link">admin</a>' if sess.is_admin else "")
               + ' · <button id="logout" type="button">sign out</button></span>')
        return HTMLResponse(text.replace("{{TOKEN}}", sess.csrf).replace("{{USER}}", who),
                            headers={"Cache-Control": "no-store"})

    @contextmanager
    def store(self, request: Request) -> Iterator[Store]:
        with self.db.store(self.user(request).user) as st:
            yield st

    # -- code and checks ----------------------------------------------------------------------
    def code_of(self, request: Request, p: Problem, st: Store) -> str:
        code = st.code(p.id)  # kept in the database, per learner
        return code if code is not None else p.starter()

    def file_of(self, request: Request, p: Problem) -> str:
        return f"{p.id}.py (saved on the server)"

    def save_code(self, request: Request, p: Problem, code: str) -> dict:
        with self.store(request) as st:
            st.save_code(p.id, code)
        return {"saved": self.file_of(request, p)}

    def reset(self, request: Request, p: Problem) -> dict:
        with self.store(request) as st:
            old = st.code(p.id)
            if old is not None:
                st.save_code(f"{p.id}.bak", old)  # one step back, as the local .bak file
            st.save_code(p.id, p.starter())
        return {"code": p.starter(), "backup": f"{p.id}.bak" if old is not None else None}

    async def check(self, request: Request, p: Problem, code: str, scope: str) -> Any:
        sess = self.user(request)
        try:
            view = await run_in_threadpool(checks.enqueue, self.redis, sess.user, p.id, code,
                                           scope, f"{p.id}.py")
        except checks.TooManyChecks as exc:
            return JSONResponse({"detail": str(exc)}, 429,
                                headers={"Retry-After": str(exc.retry_after)})
        except checks.QueueUnavailable as exc:
            return error_page(request, 503, str(exc))
        return JSONResponse(view.to_dict(), 202)

    def grader_state(self, request: Request) -> dict:
        return checks.depth(self.redis)  # QueueUnavailable is answered with a 503

    # -- the routes only server mode has ------------------------------------------------------
    def install(self, app: FastAPI) -> None:
        db, secure = self.db, self.secure

        @app.exception_handler(DatabaseUnavailable)
        async def no_db(request: Request, exc: DatabaseUnavailable) -> Response:
            return error_page(request, 503, str(exc))

        @app.exception_handler(checks.QueueUnavailable)
        async def no_queue(request: Request, exc: checks.QueueUnavailable) -> Response:
            return error_page(request, 503, str(exc))

        def signed_in(request: Request, token: str) -> JSONResponse:
            sess = accounts.session(db, token)
            resp = JSONResponse({"user": sess.name if sess else None})
            https = request.url.scheme == "https" if secure is None else secure
            resp.set_cookie(COOKIE, token, max_age=accounts.SESSION_S, httponly=True,
                            samesite="lax", secure=https, path="/")
            return resp

        @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
        def login_page() -> HTMLResponse:
            return HTMLResponse((PAGES / "login.html").read_text(encoding="utf-8"),
                                headers={"Cache-Control": "no-store"})

        @app.get("/healthz", include_in_schema=False)
        def health() -> dict:
            return {"ok": True}

        @app.post("/api/login", summary="Sign in: sets the session cookie")
        def login(request: Request, body: LoginIn) -> Response:
            try:
                token = accounts.log_in(db, body.name, body.password)
            except accounts.AccountError as exc:
                raise HTTPException(401, str(exc)) from None
            return signed_in(request, token)

        @app.post("/api/signup", summary="Create an account with an invite code, and sign in")
        def signup(request: Request, body: SignupIn) -> Response:
            try:
                accounts.sign_up(db, body.name, body.password, body.invite)
                token = accounts.log_in(db, body.name, body.password)
            except accounts.AccountError as exc:
                raise HTTPException(422, str(exc)) from None
            return signed_in(request, token)

        @app.post("/api/logout", summary="Sign out: ends this session")
        def logout(request: Request) -> Response:
            token = request.cookies.get(COOKIE, "")
            self.sessions.pop(token, None)
            accounts.log_out(db, token)
            resp = JSONResponse({"user": None})
            resp.delete_cookie(COOKIE, path="/")
            return resp

        @app.get("/api/me", summary="Who is signed in")
        def me(request: Request) -> dict:
            sess = self.user(request)
            return {"user": sess.name, "admin": sess.is_admin}

        @app.get("/api/jobs/{job}", summary="A queued check: state, queue position, result; "
                 "with wait=S (at most 10), answers when the result comes or after S seconds")
        async def job(request: Request, job: str, wait: float = 0) -> dict:
            user = self.user(request).user
            if len(job) > 64:
                raise HTTPException(404, "no such check")
            ev = self.announcements.expect(job) if wait > 0 else None
            try:
                view = await run_in_threadpool(checks.view_job, self.redis, user, job)
                if view is None:  # unknown, expired, or another learner's: the same answer
                    raise HTTPException(404, "no such check")
                if ev is not None and view.state in ("queued", "grading"):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(ev.wait(), min(wait, 10.0))
                    view = await run_in_threadpool(checks.view_job, self.redis, user,
                                                   job) or view
            finally:
                if ev is not None:
                    self.announcements.forget(job, ev)
            return view.to_dict()

        @app.get("/api/admin/progress", summary="The class's progress (admins only)")
        def admin_progress() -> dict:
            return accounts.class_progress(db)

        @app.post("/api/admin/invites", summary="A new invite code (admins only)")
        def admin_invite(body: InviteIn) -> dict:
            return {"code": accounts.create_invite(db, body.uses, body.days),
                    "uses": body.uses, "days": body.days}

        @app.get("/admin", response_class=HTMLResponse, include_in_schema=False)
        def admin_page(request: Request) -> HTMLResponse:
            with self.store(request) as st:  # in the admin's own language, as their pages
                lang = st.get_setting("lang", "en") or "en"
            return HTMLResponse(_admin_html(self.bank, accounts.class_progress(db), lang),
                                headers={"Cache-Control": "no-store"})


def _admin_html(bank: Bank, prog: dict, lang: str = "en") -> str:
    """The admin page: one row per learner, one per problem (in course order); counts only."""
    e = html.escape
    w = {k[len("admin_"):]: word(k, lang) for k in WORDS if k.startswith("admin_")}
    n = max(len(prog["learners"]), 1)
    rows = []
    for p in bank:
        s = prog["problems"].get(p.id, {"solved_by": 0, "attempted_by": 0, "attempts": 0})
        rows.append(f"<tr data-problem='{e(p.id)}'>"
                    f"<td>{e(bank.track_info[p.track].title_in(lang))}</td>"
                    f"<td title='{e(p.id)}'>{e(p.title_in(lang))}</td>"
                    f"<td class='num solved-by'>{s['solved_by']}</td>"
                    f"<td class='num'>{s['attempted_by']}</td><td class='num'>{s['attempts']}</td>"
                    f"<td><progress max='{n}' value='{s['solved_by']}'></progress></td></tr>")
    people = "".join(f"<tr data-learner='{e(u['name'])}'><td>{e(u['name'])}</td>"
                     f"<td class='num'>{u['solved']}</td><td class='num'>{u['attempted']}</td>"
                     f"<td class='num'>{u['attempts']}</td></tr>" for u in prog["learners"])
    return (
        f"<!doctype html><html lang='{e(lang)}'><meta charset='utf-8'>"
        f"<title>torchdojo · {w['title']}</title><link rel='stylesheet' href='/static/app.css'>"
        f"<header><a href='/' class='brand'>torchdojo</a> · {w['title']}</header>"
        f"<main class='admin'><h2>{w['learners']} ({len(prog['learners'])})</h2>"
        f"<table id='learners'><tr><th>{w['name']}</th><th>{w['solved']}</th>"
        f"<th>{w['attempted']}</th><th>{w['checks']}</th></tr>{people}</table>"
        f"<h2>{w['problems']}</h2><table id='problems'><tr><th>{w['track']}</th>"
        f"<th>{w['problem']}</th><th>{w['solved_by']}</th><th>{w['attempted_by']}</th>"
        f"<th>{w['checks']}</th><th></th></tr>{''.join(rows)}</table>"
        f"<p class='muted'>{w['invites']} <code>torchdojo server invite</code> {w['or']} "
        "POST /api/admin/invites.</p></main></html>")


def create_server_app(database_url: str, redis_url: str, secure_cookies: bool | None = None,
                      hosts: set[str] | None = None) -> FastAPI:
    """The class server's app (the schema must be migrated: ``torchdojo.server.db.upgrade``)."""
    mode = ServerMode(Database(database_url), redis_url, secure_cookies)
    app = build_app(mode, hosts=hosts)
    return app
