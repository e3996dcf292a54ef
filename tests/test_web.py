"""The web app's API, in process (FastAPI's TestClient), grading through the real worker daemon."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from torchdojo.bank import Bank
from torchdojo.cards import Deck
from torchdojo.grader.client import DaemonClient
from torchdojo.results import Result, TestResult
from torchdojo.review import NOW_ENV
from torchdojo.store import Store
from torchdojo.web.app import TOKEN_HEADER, create_app
from torchdojo.workspace import Workspace

PID = "tensor_numpy_bridge"
TOKEN = "test-token"
H = {TOKEN_HEADER: TOKEN}


def _client(ws: Workspace, **kw) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(create_app(ws, token=TOKEN, extra_hosts=("testserver",), **kw))


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A workspace and a client that grade through the real daemon (stopped at the end)."""
    ws = Workspace.open(tmp_path_factory.mktemp("web") / "ws")
    yield ws, _client(ws)
    DaemonClient(ws).stop()


def test_list_and_problem_pages(real) -> None:  # type: ignore[no-untyped-def]
    ws, c = real
    rows = c.get("/api/problems").json()
    assert [r["id"] for r in rows] == [p.id for p in Bank()]
    assert {r["status"] for r in rows} == {"new"}
    p = Bank().get(PID)
    hant = c.get(f"/api/problems/{PID}", params={"lang": "zh-TW"}).json()
    assert hant["lang"] == "zh-Hant" and hant["title"] == p.title_in("zh-Hant")
    assert "<p>" in hant["statement_html"] and hant["code"] == p.starter()
    assert hant["hints"] == [] and hant["hints_total"] == len(p.hints)
    assert c.get("/api/problems/nope").status_code == 404
    assert c.get(f"/api/problems/{PID}", params={"lang": "fr"}).status_code == 422
    page = c.get("/")
    assert page.status_code == 200 and TOKEN in page.text and "app.js" in page.text


def test_check_saves_the_file_and_grades_through_the_worker(real) -> None:  # type: ignore[no-untyped-def]
    ws, c = real
    p = Bank().get(PID)
    r = c.post(f"/api/problems/{PID}/check", json={"code": p.read("starter.py"),
                                                   "scope": "all"}, headers=H)
    assert r.status_code == 200
    res = r.json()
    assert list(res) == ["version", "problem", "status", "message", "duration_ms", "tests"]
    assert res["status"] != "pass" and res["tests"]
    assert ws.path_for(p).read_text() == p.read("starter.py")  # the CLI's file, same text
    status = {r["id"]: r["status"] for r in c.get("/api/problems").json()}
    assert status[PID] == "attempted"

    t0 = time.perf_counter()
    res = c.post(f"/api/problems/{PID}/check", json={"code": p.read("solution.py")},
                 headers=H).json()
    assert res["status"] == "pass", res
    assert time.perf_counter() - t0 < 5  # the daemon is warm by now
    assert {r["id"]: r["status"] for r in c.get("/api/problems").json()}[PID] == "solved"
    assert c.get(f"/api/problems/{PID}").json()["code"] == p.read("solution.py")
    prog = c.get("/api/progress").json()
    assert prog["overall"]["solved"] == 1 and "cards" in prog


def test_hostile_submission_leaves_the_server_up(real) -> None:  # type: ignore[no-untyped-def]
    ws, c = real
    for code in ("import os\nos._exit(0)\n", "import os, signal\nos.kill(os.getppid(), 9)\n",
                 "def f(:\n"):
        res = c.post("/api/problems/copy_semantics/check", json={"code": code}, headers=H)
        assert res.status_code == 200 and res.json()["status"] != "pass"
    assert c.get("/api/progress").status_code == 200


def test_state_changes_need_the_token_and_a_local_origin(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    graded: list[str] = []

    def grade(pid, source, scope, filename):  # type: ignore[no-untyped-def]
        graded.append(source)
        return Result(problem=pid, status="pass", message="ok", tests=[])

    c = _client(ws, grade=grade)
    body = {"code": "x = 1\n"}
    assert c.post(f"/api/problems/{PID}/check", json=body).status_code == 403
    assert c.post(f"/api/problems/{PID}/check", json=body,
                  headers={TOKEN_HEADER: "guess"}).status_code == 403
    # a token with bytes outside ASCII is refused, not a 500 (compare_digest on such a str raises)
    assert c.post(f"/api/problems/{PID}/check", json=body,
                  headers={TOKEN_HEADER: "gu\u00e9ss".encode()}).status_code == 403
    assert c.put(f"/api/problems/{PID}/code", json=body).status_code == 403
    assert c.put("/api/settings/lang", json={"lang": "zh"}).status_code == 403
    evil = {**H, "Origin": "http://evil.example"}
    assert c.post(f"/api/problems/{PID}/check", json=body, headers=evil).status_code == 403
    assert c.get("/api/problems", headers={"Host": "evil.example"}).status_code == 421
    assert c.get("/api/problems", headers={"Host": "evil.example:8000"}).status_code == 421
    assert graded == [] and not ws.path_for(Bank().get(PID)).exists()
    same = {**H, "Origin": "http://testserver"}
    assert c.post(f"/api/problems/{PID}/check", json=body, headers=same).status_code == 200
    assert graded == ["x = 1\n"]
    too_big = {"code": "x" * (1024 * 1024 + 1)}  # one byte over the grader's 1 MiB
    assert c.put(f"/api/problems/{PID}/code", json=too_big, headers=H).status_code == 413
    assert c.post(f"/api/problems/{PID}/check", json={"code": "", "scope": "nope"},
                  headers=H).status_code == 422


def test_a_second_check_waits_for_the_first(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    release, order = threading.Event(), []

    def grade(pid, source, scope, filename):  # type: ignore[no-untyped-def]
        order.append(f"start {source}")
        if source == "first":
            assert release.wait(10)
        order.append(f"end {source}")
        return Result(problem=pid, status="fail", message=source,
                      tests=[TestResult(name="t", status="fail", message=source)])

    c = _client(ws, grade=grade)
    replies: dict[str, dict] = {}

    def send(code: str) -> None:
        replies[code] = c.post(f"/api/problems/{PID}/check", json={"code": code},
                               headers=H).json()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    while c.get("/api/grader").json()["busy"] is False:
        time.sleep(0.01)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    while c.get("/api/grader").json()["waiting"] < 2:
        time.sleep(0.01)
    assert order == ["start first"]  # the second is queued, not run alongside, not dropped
    release.set()
    first.join(10)
    second.join(10)
    assert order == ["start first", "end first", "start second", "end second"]
    assert replies["first"]["message"] == "first" and replies["second"]["message"] == "second"


def test_hints_solution_and_language_persist(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    p = Bank().get(PID)
    c = _client(ws, grade=lambda *a: None)
    shown = [c.post(f"/api/problems/{PID}/hint", headers=H).json()["hints"]
             for _ in range(len(p.hints) + 1)]
    assert [len(s) for s in shown] == [*range(1, len(p.hints) + 1), len(p.hints)]
    assert c.get(f"/api/problems/{PID}").json()["hints"] == shown[-1]

    assert c.post(f"/api/problems/{PID}/solution", json={}, headers=H).status_code == 403
    assert not Store(ws.db_path).solution_viewed(PID)
    sol = c.post(f"/api/problems/{PID}/solution", json={"confirm": True}, headers=H).json()
    assert sol["code"] == p.read("solution.py") and sol["after_pass"] is False
    assert Store(ws.db_path).solution_viewed(PID)

    assert c.put("/api/settings/lang", json={"lang": "zh-TW"}, headers=H).json() == {
        "lang": "zh-Hant"}
    again = _client(ws, grade=lambda *a: None)  # a restarted server
    assert again.get("/api/settings").json()["lang"] == "zh-Hant"
    assert again.get(f"/api/problems/{PID}").json()["title"] == p.title_in("zh-Hant")
    assert c.put("/api/settings/lang", json={"lang": "klingon"}, headers=H).status_code == 422


def test_quiz_through_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NOW_ENV, datetime(2026, 3, 1, 9, 0, tzinfo=UTC).isoformat())
    ws = Workspace.open(tmp_path / "ws")
    c = _client(ws, grade=lambda *a: None)
    deck = Deck()
    nxt = c.get("/api/quiz/next", params={"track": deck.tracks[0], "new": 2}).json()
    card = deck.get(nxt["card"]["id"])
    assert nxt["left"] == 2 and nxt["card"]["options"] == (
        [] if card.kind == "exact" else nxt["card"]["options"])
    assert c.post(f"/api/quiz/{card.id}/answer", json={"answer": "z"},
                  headers=H).status_code == 422
    wrong = "certainly not" if card.kind == "exact" else "abcde"[
        (card.meta["check"]["answer"] + 1) % len(card.options())]
    a = c.post(f"/api/quiz/{card.id}/answer", json={"answer": wrong}, headers=H).json()
    assert a["correct"] is False and a["rating"] == "again" and a["key_points_html"]
    rows = {r["id"]: r for r in c.get("/api/cards").json()}
    assert rows[card.id]["review"]["lapses"] == 1 and rows[card.id]["review"]["reviews"] == 1
    later = c.get("/api/quiz/next", params={"track": deck.tracks[0], "new": 2}).json()
    assert later["card"]["id"] != card.id and later["left"] == 1  # one new left today
    prog = c.get("/api/progress").json()["cards"]["overall"]
    assert prog["new"] == len(deck) - 1


def test_openapi_schema_describes_the_check(tmp_path: Path) -> None:
    schema = _client(Workspace.open(tmp_path / "ws")).get("/openapi.json").json()
    check = schema["paths"]["/api/problems/{pid}/check"]["post"]
    ref = check["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    props = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert set(props) == {"code", "scope"} and props["scope"]["enum"] == ["public", "all"]
    assert {"/api/problems", "/api/progress", "/api/quiz/next"} <= set(schema["paths"])


def test_large_code_is_graded_and_oversize_is_refused_without_an_echo(real) -> None:  # type: ignore[no-untyped-def]
    """Up to 1 MiB of editor text is graded (a solution with long Chinese notes); past it, a
    clear 413 that names the limit; a huge or malformed body is never sent back."""
    ws, c = real
    from torchdojo.grader.protocol import SOURCE_CAP

    ref = Bank().get(PID).read("solution.py")
    notes = "".join(f"# 第{i}行：张量与数组共享内存，修改一个另一个也会变。\n" for i in range(900))
    res = c.post(f"/api/problems/{PID}/check", json={"code": ref + notes}, headers=H)
    assert res.status_code == 200 and res.json()["status"] == "pass", res.text[:500]
    exact = ref + "#" + "x" * (SOURCE_CAP - len(ref.encode()) - 2) + "\n"
    assert len(exact.encode()) == SOURCE_CAP  # exactly the cap: accepted
    assert c.put(f"/api/problems/{PID}/code", json={"code": exact}, headers=H).status_code == 200
    over = exact + "中"
    for method, path in (("PUT", f"/api/problems/{PID}/code"),
                         ("POST", f"/api/problems/{PID}/check")):
        r = c.request(method, path, json={"code": over}, headers=H)
        assert r.status_code == 413 and "up to 1024 KiB (1 MiB)" in r.json()["detail"], r.text[:300]
        assert len(r.content) < 1000
    assert ws.path_for(Bank().get(PID)).read_text() == exact  # the refused text was not saved
    big = b'{"code": "' + b"x" * (50 << 20) + b'"}'
    r = c.post(f"/api/problems/{PID}/check", content=big,
               headers={**H, "Content-Type": "application/json"})
    assert r.status_code == 413 and len(r.content) < 1000
    r = c.post(f"/api/problems/{PID}/check", json={"code": 5, "scope": "x" * 100_000},
               headers=H)
    assert r.status_code == 422 and len(r.content) < 2000 and "xxxx" not in r.text
    assert c.get("/api/progress").status_code == 200
