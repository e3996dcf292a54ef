"""Server mode end to end, on real PostgreSQL and Redis: accounts, CSRF, isolation, the admin
page, the queue to real grading workers (RQ SimpleWorkers with warm graders), a worker killed
with SIGKILL mid-job, a Redis restart, and PostgreSQL going away."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from services_fixture import grading_workers, page_token, services  # noqa: F401
from torchdojo.bank import Bank
from torchdojo.server import accounts, checks
from torchdojo.server.db import Database
from torchdojo.server.web import COOKIE, SESSION_CACHE_S, create_server_app
from torchdojo.web.app import TOKEN_HEADER

PID = "tensor_numpy_bridge"
SOLUTION = Bank().get(PID).read("solution.py")
SLOW = "import time\ntime.sleep(2.5)\n" + SOLUTION  # long enough to be killed in the middle


@pytest.fixture(scope="module")
def server(services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:  # type: ignore[no-untyped-def]  # noqa: F811,E501
    """The migrated database, one supervisor with one grading worker, an invite code."""
    with grading_workers(services, tmp_path_factory.mktemp("refs")) as sup:
        db = Database(services.postgres.url)
        yield {"db": db, "sup": sup, "invite": accounts.create_invite(db, uses=100),
               "services": services}
        db.close()


def _client(server: dict) -> TestClient:
    svc = server["services"]
    return TestClient(create_server_app(svc.postgres.url, svc.redis.url, secure_cookies=False))


def _learner(server: dict, name: str) -> tuple[TestClient, dict]:
    c = _client(server)
    r = c.post("/api/signup", json={"name": name, "password": "correct horse",
                                    "invite": server["invite"]})
    assert r.status_code == 200, r.text
    token = page_token(c)
    return c, {TOKEN_HEADER: token}


def _check(c: TestClient, h: dict, code: str, timeout: float = 60) -> dict:
    r = c.post(f"/api/problems/{PID}/check", json={"code": code, "scope": "all"}, headers=h)
    assert r.status_code == 202, r.text
    view = r.json()
    assert view["state"] == "queued" and view["position"] is not None
    deadline = time.monotonic() + timeout
    while view["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, view
        time.sleep(0.1)
        view = c.get(f"/api/jobs/{view['job']}").json()
    return view


def _attempts(server: dict, name: str) -> list[tuple]:
    with server["db"].begin() as conn:
        return conn.execute(text(
            "SELECT a.status, a.job FROM attempts a JOIN users u ON u.id = a.user_id "
            "WHERE u.name = :n ORDER BY a.id"), {"n": name}).all()


def test_accounts_sessions_and_csrf(server: dict) -> None:
    c = _client(server)
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/api/problems").status_code == 401
    assert "Invite code" in c.get("/login").text
    bad = c.post("/api/signup", json={"name": "eve", "password": "correct horse",
                                      "invite": "guessed"})
    assert bad.status_code == 422 and "invite" in bad.json()["detail"]
    one = accounts.create_invite(server["db"], uses=1)
    assert c.post("/api/signup", json={"name": "ann", "password": "short", "invite": one}
                  ).status_code == 422  # too short a password does not use the code up
    r = c.post("/api/signup", json={"name": "ann", "password": "correct horse", "invite": one})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    again = _client(server).post("/api/signup", json={"name": "bob", "password": "correct horse",
                                                      "invite": one})
    assert again.status_code == 422  # the code is used up
    with server["db"].begin() as conn:  # the database keeps no secret in the clear
        row = conn.execute(text("SELECT password_hash FROM users WHERE name='ann'")).scalar_one()
        assert row.startswith("$argon2id$") and "correct horse" not in row
        tokens = conn.execute(text("SELECT token_hash FROM sessions")).scalars().all()
        assert c.cookies[COOKIE] not in tokens
    assert c.get("/api/me").json() == {"user": "ann", "admin": False}
    # a write needs the session's own CSRF token
    assert c.put(f"/api/problems/{PID}/code", json={"code": "x"}).status_code == 403
    other, oh = _learner(server, "carl")
    assert c.put(f"/api/problems/{PID}/code", json={"code": "x"}, headers=oh).status_code == 403
    # signing in: the same answer for a wrong password and an unknown name
    fresh = _client(server)
    wrong = fresh.post("/api/login", json={"name": "ann", "password": "wrong horse"})
    nobody = fresh.post("/api/login", json={"name": "nobody", "password": "wrong horse"})
    assert wrong.status_code == nobody.status_code == 401
    assert wrong.json() == nobody.json()
    assert fresh.post("/api/login", json={"name": "ANN", "password": "correct horse"}
                      ).status_code == 200
    token = page_token(fresh)
    assert fresh.post("/api/logout", headers={TOKEN_HEADER: token}).status_code == 200
    assert fresh.get("/api/me").status_code == 401  # the session is gone on the server too


def test_a_check_goes_through_the_queue_and_is_recorded_once(server: dict) -> None:
    c, h = _learner(server, "dana")
    view = _check(c, h, SOLUTION)
    assert view["state"] == "done" and view["result"]["status"] == "pass", view
    assert [t["status"] for t in view["result"]["tests"]] and \
        all(t["status"] == "pass" for t in view["result"]["tests"])
    assert _attempts(server, "dana") == [("pass", view["job"])]
    assert c.get(f"/api/problems/{PID}").json()["status"] == "solved"
    wrong = _check(c, h, SOLUTION.replace("return", "return None and", 1))
    assert wrong["result"]["status"] != "pass"
    assert [s for s, _ in _attempts(server, "dana")] == ["pass", wrong["result"]["status"]]
    assert c.get(f"/api/problems/{PID}").json()["code"].startswith("import time") is False


def test_learners_are_kept_apart(server: dict) -> None:
    a, ha = _learner(server, "erin")
    b, hb = _learner(server, "fred")
    a.put(f"/api/problems/{PID}/code", json={"code": "erin = 'secret'\n"}, headers=ha)
    view = _check(a, ha, SOLUTION)
    assert "secret" not in b.get(f"/api/problems/{PID}").json()["code"]
    assert b.get(f"/api/problems/{PID}").json()["status"] == "new"
    assert b.get(f"/api/jobs/{view['job']}").status_code == 404  # not fred's job
    assert a.get(f"/api/jobs/{view['job']}").status_code == 200
    solved = {t["track"]: t["solved"] for t in b.get("/api/progress").json()["tracks"]}
    assert solved["01_tensors"] == 0
    assert b.get("/admin").status_code == 403 and b.get("/api/admin/progress").status_code == 403


def test_the_admin_page_shows_the_class(server: dict) -> None:
    accounts.create_user(server["db"], "teacher", "teacher pass", admin=True)
    c = _client(server)
    assert c.post("/api/login", json={"name": "teacher", "password": "teacher pass"}
                  ).status_code == 200
    prog = c.get("/api/admin/progress").json()
    names = [u["name"] for u in prog["learners"]]
    assert "dana" in names and "teacher" not in names
    solved_by = prog["problems"][PID]["solved_by"]
    page = c.get("/admin").text
    assert re.search(rf"data-problem='{PID}'>.*?class='num solved-by'>{solved_by}<", page)
    assert "secret" not in page  # counts, never code
    token = page_token(c)
    # the page speaks the admin's language, as the learners' pages do
    assert c.put("/api/settings/lang", json={"lang": "zh-Hant"},
                 headers={TOKEN_HEADER: token}).status_code == 200
    zh = c.get("/admin").text
    assert "班級進度" in zh and "class progress" not in zh
    assert Bank().get(PID).title_in("zh-Hant") in zh
    code = c.post("/api/admin/invites", json={"uses": 2}, headers={TOKEN_HEADER: token}
                  ).json()["code"]
    assert _client(server).post("/api/signup", json={"name": "gina", "password": "correct horse",
                                                     "invite": code}).status_code == 200


def test_checks_are_rate_limited_per_user(server: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    c, h = _learner(server, "hank")
    r = c.post(f"/api/problems/{PID}/check", json={"code": SLOW}, headers=h)
    assert r.status_code == 202
    busy = c.post(f"/api/problems/{PID}/check", json={"code": SOLUTION}, headers=h)
    assert busy.status_code == 429 and "still running" in busy.json()["detail"]
    other, oh = _learner(server, "iris")  # another learner is not held up by hank's limit
    monkeypatch.setattr(checks, "RATE", 0)
    limited = other.post(f"/api/problems/{PID}/check", json={"code": SOLUTION}, headers=oh)
    assert limited.status_code == 429 and "a minute" in limited.json()["detail"]
    assert int(limited.headers["retry-after"]) > 0
    monkeypatch.setattr(checks, "RATE", 30)
    deadline = time.monotonic() + 60
    while c.get(f"/api/jobs/{r.json()['job']}").json()["state"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.2)


def _worker_pids(sup: subprocess.Popen) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(sup.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_a_second_grading_host_takes_from_the_same_queue(
        server: dict, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Another supervisor with only the two URLs (as on a second machine) grades the check
    that arrives while the first host's worker is busy."""
    from rq import Worker
    from rq.job import Job
    from rq.serializers import JSONSerializer

    svc = server["services"]
    redis = svc.redis.client()
    with grading_workers(svc, tmp_path_factory.mktemp("host2")) as second:
        deadline = time.monotonic() + 60
        while not any(f"-{second.pid}-" in w.name for w in Worker.all(connection=redis)):
            assert time.monotonic() < deadline, "the second host's worker did not register"
            time.sleep(0.2)
        a, ha = _learner(server, "olga")
        b, hb = _learner(server, "paul")
        busy = a.post(f"/api/problems/{PID}/check", json={"code": SLOW}, headers=ha).json()
        while a.get(f"/api/jobs/{busy['job']}").json()["state"] != "grading":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        view = _check(b, hb, SOLUTION)
        assert view["result"]["status"] == "pass"
        hosts = {j: Job.fetch(j, connection=redis, serializer=JSONSerializer).worker_name
                 for j in (busy["job"], view["job"])}
        assert f"-{server['sup'].pid}-" in hosts[busy["job"]], hosts
        assert f"-{second.pid}-" in hosts[view["job"]], hosts
        assert [s for s, _ in _attempts(server, "paul")] == ["pass"]
        while a.get(f"/api/jobs/{busy['job']}").json()["state"] != "done":
            assert time.monotonic() < deadline + 60
            time.sleep(0.1)
    redis.close()


def test_a_worker_killed_mid_job_loses_no_attempt(server: dict) -> None:
    c, h = _learner(server, "jack")
    r = c.post(f"/api/problems/{PID}/check", json={"code": SLOW, "scope": "all"}, headers=h)
    job = r.json()["job"]
    deadline = time.monotonic() + 30
    while c.get(f"/api/jobs/{job}").json()["state"] != "grading":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # well inside the submission's sleep
    (pid,) = _worker_pids(server["sup"])
    os.kill(pid, signal.SIGKILL)
    view = {"state": "grading"}
    deadline = time.monotonic() + 90
    while view["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, view
        time.sleep(0.2)
        view = c.get(f"/api/jobs/{job}").json()
    assert view["state"] == "done" and view["result"]["status"] == "pass", view
    assert _attempts(server, "jack") == [("pass", job)]  # run twice, recorded once
    assert _worker_pids(server["sup"]) and pid not in _worker_pids(server["sup"])


def test_a_redis_restart_loses_no_recorded_attempt(server: dict) -> None:
    c, h = _learner(server, "kate")
    first = _check(c, h, SOLUTION)
    server["services"].redis.restart()
    assert _attempts(server, "kate") == [("pass", first["job"])]
    assert c.get(f"/api/problems/{PID}").json()["status"] == "solved"
    deadline = time.monotonic() + 60
    while True:  # the app and the worker reconnect by themselves
        r = c.post(f"/api/problems/{PID}/check", json={"code": SOLUTION}, headers=h)
        if r.status_code == 202:
            break
        assert r.status_code in (429, 503) and time.monotonic() < deadline, r.text
        time.sleep(0.5)
    job = r.json()["job"]
    while (v := c.get(f"/api/jobs/{job}").json())["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, v
        time.sleep(0.2)
    assert v["result"]["status"] == "pass"
    assert [j for _, j in _attempts(server, "kate")] == [first["job"], job]


def test_postgres_unreachable_gives_a_clear_page(server: dict) -> None:
    c, h = _learner(server, "liam")
    pg = server["services"].postgres
    pg.stop()
    time.sleep(SESSION_CACHE_S)  # past the app's short session cache: the next request asks PG
    try:
        page = c.get("/")
        assert page.status_code == 503
        assert "unavailable" in page.text and "unreachable" in page.text
        assert "Traceback" not in page.text and "psycopg" not in page.text.lower()
        api = c.get(f"/api/problems/{PID}")
        assert api.status_code == 503 and "unreachable" in api.json()["detail"]
    finally:
        pg.start()
    deadline = time.monotonic() + 20
    while c.get(f"/api/problems/{PID}").status_code != 200:  # the pool reconnects
        assert time.monotonic() < deadline
        time.sleep(0.2)
