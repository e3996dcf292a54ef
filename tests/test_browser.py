"""End to end in a real headless Chromium (Debian's, driven by Playwright): the web app as a
learner uses it, grading through the real worker daemon.

``scripts/browser.sh`` (run by ``scripts/test.sh``) installs the browser; it is never downloaded.
Set ``TORCHDOJO_SCREENSHOTS=docs/screenshots`` to refresh the README's pictures.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Page, expect, sync_playwright

from services_fixture import grading_workers, page_token, services  # noqa: F401
from torchdojo.bank import Bank
from torchdojo.grader.client import DaemonClient
from torchdojo.web.app import create_app
from torchdojo.workspace import Workspace

PID = "tensor_numpy_bridge"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
SHOTS = os.environ.get("TORCHDOJO_SCREENSHOTS")


def _chromium() -> str:
    exe = os.environ.get("TORCHDOJO_CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser")
    assert exe, "no Chromium: run scripts/browser.sh (Debian's chromium package)"
    return exe


@contextmanager
def _serving(app: FastAPI) -> Iterator[str]:
    """``app`` under a real uvicorn on a free loopback port, in a thread; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Workspace]]:
    ws = Workspace.open(tmp_path_factory.mktemp("browser") / "ws")
    with _serving(create_app(ws)) as url:
        yield url, ws
    DaemonClient(ws).stop()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=FLAGS, headless=True)
        ctx = browser.new_context(viewport={"width": 1400, "height": 900})
        pg = ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        yield pg
        browser.close()
        assert errors == [], errors


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _type_code(page: Page, code: str) -> None:
    """Replace the editor's text the way a learner would: focus, select all, type."""
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def test_a_learner_session(server, page: Page) -> None:  # type: ignore[no-untyped-def]
    url, ws = server
    p = Bank().get(PID)
    # the list: every track, a search box that filters
    page.goto(url + "/")
    expect(page.locator("#problem-list tr[data-id]")).to_have_count(len(Bank()))
    _shot(page, "list")
    page.fill("#search", "numpy bridge")
    expect(page.locator("#problem-list tr[data-id]")).to_have_count(1)
    page.click(f"tr[data-id={PID}] a")

    # the problem: statement, the editor seeded with the starter
    expect(page.locator("#problem-title")).to_have_text(p.title["en"])
    expect(page.locator("#editor .cm-editor")).to_be_visible()
    assert "TODO" in page.locator("#editor .cm-content").inner_text()

    # a wrong answer: the starter as it is, run (public tests) then submitted, by shortcut
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#verdict")).to_contain_text("(public", timeout=30_000)
    assert page.locator("#verdict").get_attribute("data-status") != "pass"
    page.keyboard.press("Control+Shift+Enter")
    expect(page.locator("#verdict")).to_contain_text("(all", timeout=30_000)
    assert page.locator("#verdict").get_attribute("data-status") != "pass"
    expect(page.locator("ul.tests li.fail, ul.tests li.error").first).to_be_visible()

    # a hint, then the right answer, typed in and submitted with the button
    page.click("#hint-btn")
    expect(page.locator("#hints .hint")).to_have_count(1)
    _type_code(page, p.read("solution.py"))
    page.click("#submit-btn")
    expect(page.locator("#verdict[data-status=pass]")).to_be_visible(timeout=30_000)
    expect(page.locator("#problem-status")).to_have_class("status-word solved")
    _shot(page, "problem")
    assert ws.path_for(p).read_text() == p.read("solution.py")  # the CLI's file

    # the language switch persists; the code and the progress survive a reload
    page.select_option("#lang", "zh-Hant")
    expect(page.locator("#problem-title")).to_have_text(p.title_in("zh-Hant"))
    expect(page.locator("#run-btn")).to_have_text("執行")  # the page's own words too
    page.reload()
    expect(page.locator("#problem-title")).to_have_text(p.title_in("zh-Hant"))
    expect(page.locator("header nav a").first).to_have_text("題目")
    expect(page.locator("#lang")).to_have_value("zh-Hant")
    assert "np.shares_memory" in page.locator("#editor .cm-content").inner_text() or \
        page.locator("#editor .cm-content").inner_text().strip().startswith(
            p.read("solution.py").strip().splitlines()[0])
    expect(page.locator("#hints .hint")).to_have_count(1)
    page.goto(url + "/#/")
    expect(page.locator(f"tr[data-id={PID}] td.status")).to_have_class("status solved")
    page.goto(url + "/#/progress")
    expect(page.locator("#progress-table")).to_contain_text("1/")
    page.select_option("#lang", "en")


def test_maths_is_typeset_offline(server, page: Page) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    page.goto(url + "/#/p/gram_matrix")
    expect(page.locator(".statement .katex").first).to_be_visible()
    assert page.locator(".statement .math:not([data-done])").count() == 0


def test_the_quiz_in_the_browser(server, page: Page) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    page.goto(url + "/#/quiz")
    card = page.locator("article.card")
    expect(card).to_be_visible()
    if page.locator("#quiz-text").count():
        page.fill("#quiz-text", "no idea")
    else:
        page.locator("ol.options input").first.check()
    _shot(page, "quiz")
    page.click("#quiz-check")
    expect(page.locator("#quiz-verdict")).to_be_visible()
    expect(page.locator("#quiz-feedback li").first).to_be_visible()  # key points
    first = card.get_attribute("data-card")
    page.click("#quiz-next")
    expect(page.locator("article.card")).not_to_have_attribute("data-card", first or "")


def test_the_editor_says_when_a_file_is_over_the_limit(server, page: Page) -> None:  # type: ignore[no-untyped-def]
    """The grader's 1 MiB limit, said in the page before anything is sent (and not saved)."""
    url, ws = server
    p = Bank().get("gram_matrix")
    page.goto(url + f"/#/p/{p.id}")
    expect(page.locator("#editor .cm-editor")).to_be_visible()
    _type_code(page, p.read("starter.py") + "#" + "x" * (1 << 20) + "\n")
    page.click("#run-btn")
    expect(page.locator("#too-big")).to_contain_text("1 MiB")
    assert not ws.path_for(p).exists() or len(ws.path_for(p).read_bytes()) < (1 << 20)
    _type_code(page, p.read("solution.py"))
    page.click("#submit-btn")
    expect(page.locator("#verdict[data-status=pass]")).to_be_visible(timeout=30_000)


def test_the_course_in_the_browser(server, page: Page) -> None:  # type: ignore[no-untyped-def]
    """The list is the curriculum (numbered, lessons before their problems, the next problem
    marked); a pass names the same next problem as the API; a lesson ends in its problems; a
    Chinese statement has no stray spaces; progress shows new cards apart from due ones."""
    from torchdojo.cards import Deck
    from torchdojo.lessons import Lessons

    url, ws = server
    bank = Bank()
    lessons = Lessons(bank, Deck())
    page.goto(url + "/")
    tensors = page.locator("section[data-track='01_tensors'] tr")
    expect(tensors.first).to_be_visible()
    want = [x.id for x in lessons.course("01_tensors")]
    got = [r.get_attribute("data-id") or r.get_attribute("data-lesson")
           for r in tensors.all()]
    assert got == want  # curriculum order, each lesson right before its problem
    first = page.locator("section[data-track='01_tensors'] tr[data-id]").first
    expect(first.locator(".num")).to_have_text("1.")
    nxt = page.evaluate("fetch('/api/next').then(r => r.json())")["next"]["id"]
    expect(page.locator("tr.next")).to_have_count(1)
    assert page.locator("tr.next").get_attribute("data-id") == nxt

    # solve the problem the list marks: the page then names what the CLI's `next` would
    p = bank.get(nxt)
    page.click(f"tr[data-id={nxt}] a")
    expect(page.locator("#problem-meta")).to_contain_text(
        f"{bank.number[p.id]}/{len(bank.in_track(p.track))}")
    expect(page.locator("#editor .cm-editor")).to_be_visible()
    _type_code(page, p.read("solution.py"))
    page.click("#submit-btn")
    expect(page.locator("#verdict[data-status=pass]")).to_be_visible(timeout=30_000)
    from torchdojo.store import Store

    store = Store(ws.db_path)
    try:
        rule = bank.next_problem(store.statuses(), store.last_problem())
    finally:
        store.close()
    assert rule is not None
    expect(page.locator("#next-link")).to_have_text(rule.id)
    page.click("#next-link")
    expect(page.locator("#problem-title")).to_have_text(rule.title["en"])

    # a lesson: its text, then its problems, linked
    les = lessons.lesson_for("broadcast_shape")
    assert les is not None
    page.goto(url + "/")
    page.click(f"tr[data-lesson={les.id}] a")
    expect(page.locator("#lesson-title")).to_have_text(les.title["en"])
    expect(page.locator("#lesson-problems li[data-id=broadcast_shape] a")).to_be_visible()
    page.click("#lesson-problems li[data-id=broadcast_shape] a")
    expect(page.locator("#lesson-link")).to_have_text(les.title["en"])

    # Chinese: lines that wrap in the source are joined without a space
    page.select_option("#lang", "zh-Hans")
    expect(page.locator("#problem-title")).to_have_text(bank.get("broadcast_shape").title["zh"])
    prose = page.locator(".statement .prose").inner_text()
    assert "错误结果" in prose.replace("\n", "") and "错误 结果" not in prose
    page.select_option("#lang", "en")

    # progress: new cards are not "due"; today's allowance is shown (the quiz test above saw
    # one or more cards for the first time today: each takes one off the 10)
    store = Store(ws.db_path)
    try:
        seen = {r["card"] for r in store.card_reviews()}
    finally:
        store.close()
    page.goto(url + "/#/progress")
    overall = page.locator("#card-table tr[data-track=overall]")
    expect(overall.locator("td.due")).to_have_text("0")
    expect(overall.locator("td.new-today")).to_have_text(str(10 - len(seen)))
    expect(overall.locator("td.not-seen")).to_have_text(str(len(Deck()) - len(seen)))
    expect(page.locator("#per-day")).to_contain_text("10")
    _shot(page, "progress")


def test_server_mode_in_the_browser(services, page: Page,  # type: ignore[no-untyped-def]  # noqa: F811,E501
                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    """The class server as a learner and a teacher see it: the sign-in page, sign-up by invite,
    a check that waits in the queue behind another learner's (its place shown), the result, sign
    out; then the admin page with the class's counts."""
    from fastapi.testclient import TestClient

    from torchdojo.server import accounts
    from torchdojo.server.db import Database
    from torchdojo.server.web import create_server_app
    from torchdojo.web.app import TOKEN_HEADER

    p = Bank().get(PID)
    slow = "import time\ntime.sleep(4)\n" + p.read("solution.py")
    with grading_workers(services, tmp_path_factory.mktemp("refs")), \
            _serving(create_server_app(services.postgres.url, services.redis.url,
                                       secure_cookies=False)) as url:
        db = Database(services.postgres.url)
        invite = accounts.create_invite(db, uses=5)
        accounts.create_user(db, "ms.lee", "teacher pass", admin=True)
        ctx = page.context.browser.new_context(viewport={"width": 1400, "height": 900})
        pg = ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))

        # not signed in: the sign-in page; a wrong invite is refused in words
        pg.goto(url + "/")
        expect(pg).to_have_url(url + "/login")
        _shot(pg, "server-login")
        pg.fill("#signup input[name=invite]", "guessed")
        pg.fill("#signup input[name=name]", "mia")
        pg.fill("#signup input[name=password]", "correct horse")
        pg.click("#signup button")
        expect(pg.locator("#message")).to_contain_text("invite")
        pg.fill("#signup input[name=invite]", invite)
        pg.click("#signup button")
        expect(pg.locator("#user")).to_have_text("mia")

        # another learner's slow check holds the one worker, so mia's waits in the queue
        with TestClient(create_server_app(services.postgres.url, services.redis.url,
                                          secure_cookies=False)) as other:
            assert other.post("/api/signup", json={"name": "noah", "password": "correct horse",
                                                   "invite": invite}).status_code == 200
            token = page_token(other)
            pg.goto(url + f"/#/p/{PID}")
            expect(pg.locator("#editor .cm-editor")).to_be_visible()
            _type_code(pg, p.read("solution.py"))
            r = other.post(f"/api/problems/{PID}/check", json={"code": slow, "scope": "all"},
                           headers={TOKEN_HEADER: token})
            assert r.status_code == 202, r.text
            deadline = time.monotonic() + 30
            while other.get(f"/api/jobs/{r.json()['job']}").json()["state"] != "grading":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            pg.click("#submit-btn")
            expect(pg.locator("[data-state=queued]")).to_contain_text("In the queue: place 1")
            _shot(pg, "server-queue")
            expect(pg.locator("#verdict[data-status=pass]")).to_be_visible(timeout=60_000)
        expect(pg.locator("#problem-status")).to_have_class("status-word solved")
        assert pg.locator("#admin-link").count() == 0  # a learner has no admin link

        # the code is kept on the server, per learner: a reload shows mia's, not the starter
        pg.reload()
        expect(pg.locator("#editor .cm-content")).to_contain_text("t.detach().cpu().numpy()")

        # sign out, and the teacher signs in: the admin page counts mia's solve
        pg.click("#logout")
        expect(pg).to_have_url(url + "/login")
        pg.fill("#login input[name=name]", "ms.lee")
        pg.fill("#login input[name=password]", "teacher pass")
        pg.click("#login button")
        expect(pg.locator("#admin-link")).to_be_visible()
        pg.click("#admin-link")
        expect(pg.locator("#learners tr[data-learner=mia] td").nth(1)).to_have_text("1")
        solved = accounts.class_progress(db)["problems"][PID]["solved_by"]
        expect(pg.locator(f"#problems tr[data-problem={PID}] td.solved-by")
               ).to_have_text(str(solved))
        _shot(pg, "server-admin")
        ctx.close()
        db.close()
        assert errors == [], errors
