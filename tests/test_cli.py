"""The CLI end to end, as a learner uses it: one workspace, one daemon for the module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from torchdojo.bank import Bank

PID = "tensor_numpy_bridge"
RESULT_KEYS = ["version", "problem", "status", "message", "duration_ms", "tests"]
TEST_KEYS = ["name", "status", "message", "output", "duration_ms"]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("cli") / "ws"
    yield root
    run(root, "daemon", "stop")


def run(ws: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchdojo.cli", "--workspace", str(ws), *args],
                          capture_output=True, text=True, input=input, timeout=300)


def test_list_show_start(ws: Path) -> None:
    out = run(ws, "list", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["id"]: r for r in json.loads(out.stdout)}
    assert rows.keys() == {p.id for p in Bank()}
    assert rows[PID]["status"] == "new" and rows[PID]["track"] == "01_tensors"
    assert run(ws, "list", "--track", "01_tensors").returncode == 0
    assert run(ws, "list", "--track", "nope").returncode == 2
    en = run(ws, "show", PID)
    flat = " ".join(en.stdout.replace("│", " ").split())  # wherever the terminal wraps
    assert "share memory" in flat
    hans, hant = run(ws, "show", PID, "--lang", "zh-Hans"), run(ws, "show", PID, "--lang",
                                                                 "zh-Hant")
    assert "内存" in hans.stdout and "記憶體" in hant.stdout
    assert run(ws, "show", PID, "--lang", "zh-TW").stdout == hant.stdout   # aliases are accepted
    assert run(ws, "show", PID, "--lang", "fr").returncode == 2
    assert run(ws, "show", "no_such_problem").returncode == 2
    started = run(ws, "start", PID)
    path = ws / "01_tensors" / f"{PID}.py"
    assert str(path) in started.stdout and path.exists()
    path.write_text(path.read_text() + "\n# my edit\n")
    assert "kept your edits" in run(ws, "start", PID).stdout
    assert "# my edit" in path.read_text()


def test_check_hint_solution_progress_reset(ws: Path) -> None:
    path = ws / "01_tensors" / f"{PID}.py"
    run(ws, "start", PID)
    bad = run(ws, "check", PID, "--json")
    assert bad.returncode == 1, bad.stderr
    res = json.loads(bad.stdout)
    assert list(res) == RESULT_KEYS and res["status"] != "pass"
    assert all(list(t) == TEST_KEYS for t in res["tests"])
    human = run(ws, "check", PID)
    assert human.returncode == 1 and "✗" in human.stdout or "!" in human.stdout
    # solution not solved yet: refused without a terminal, shown with --yes
    assert run(ws, "solution", PID).returncode == 1
    hint1, hint2 = run(ws, "hint", PID), run(ws, "hint", PID)
    assert "hint 1/3" in hint1.stdout and "hint 2/3" in hint2.stdout
    ref = Bank().get(PID).file("solution.py")
    path.write_text(ref.read_text())
    good = run(ws, "check", PID)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "PASS" in good.stdout and "next:" in good.stdout
    assert json.loads(run(ws, "list", "--json").stdout)[0]["status"] in ("new", "solved")
    statuses = {r["id"]: r["status"] for r in json.loads(run(ws, "list", "--json").stdout)}
    assert statuses[PID] == "solved"
    prog = json.loads(run(ws, "progress", "--json").stdout)
    assert prog["overall"]["solved"] == 1
    assert "reference solution" in run(ws, "solution", PID).stdout
    assert run(ws, "next").stdout.startswith("next:")
    assert run(ws, "reset", PID, "--yes").returncode == 0
    assert path.read_text() == Bank().get(PID).starter()
    assert path.with_suffix(".py.bak").read_text() == ref.read_text()
    other = run(ws, "check", PID, "--file", str(ref), "--json")
    assert other.returncode == 0 and json.loads(other.stdout)["status"] == "pass"


def test_python_api(ws: Path) -> None:
    import torchdojo

    ref = Bank().get(PID).file("solution.py")
    res = torchdojo.check(PID, str(ref), workspace=ws)
    assert res.passed
    ns: dict = {}
    exec(compile(ref.read_text(), str(ref), "exec"), ns)  # functions with a real source file
    res = torchdojo.check(PID, ns["to_numpy"], ns["from_numpy_shared"], ns["copy_from_numpy"],
                          workspace=ws)
    assert res.passed, res.to_json()
    res = torchdojo.check(PID, ns["to_numpy"], workspace=ws)
    assert not res.passed


def test_watch_regrades_and_moves_on(ws: Path) -> None:
    from torchdojo.grader.client import Grader
    from torchdojo.store import Store
    from torchdojo.watch import Watcher
    from torchdojo.workspace import Workspace

    w = Workspace.open(ws)
    bank = Bank()
    store = Store(w.db_path)
    watcher = Watcher(w, bank, store, Grader(w))
    p = bank.get("gram_matrix") if "gram_matrix" in bank.problems else list(bank)[1]
    watcher.focus(p)
    path = w.path_for(p)
    assert path.exists()
    watcher.on_change(path)  # the starter: graded, not solved
    assert store.status(p.id) == "attempted" and watcher.current == p
    path.write_text(p.read("solution.py"))
    watcher.on_change(path)
    assert store.status(p.id) == "solved" and watcher.current != p
    watcher.on_key("h")
    assert store.hints_revealed(watcher.current.id) == 1
    watcher.on_key("q")
    assert watcher.stop.is_set()


def test_kill_minus_nine_of_the_cli_mid_check(ws: Path, tmp_path: Path) -> None:
    import signal
    import sqlite3

    from torchdojo.store import Store

    before = len(Store(ws / ".torchdojo" / "progress.sqlite3").attempts())
    slow = tmp_path / "slow.py"
    slow.write_text("import time\nimport torch\n\ndef to_numpy(t):\n    time.sleep(3)\n"
                    "    return t.detach().numpy()\n")
    proc = subprocess.Popen([sys.executable, "-m", "torchdojo.cli", "--workspace", str(ws),
                             "check", PID, "--file", str(slow), "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)  # the check is under way inside the daemon
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(ws / ".torchdojo" / "progress.sqlite3")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert len(Store(ws / ".torchdojo" / "progress.sqlite3").attempts()) == before
    ref = Bank().get(PID).file("solution.py")
    after = run(ws, "check", PID, "--file", str(ref), "--json")  # the daemon is still serving
    assert after.returncode == 0, after.stdout + after.stderr
    assert len(Store(ws / ".torchdojo" / "progress.sqlite3").attempts()) == before + 1


def test_daemon_stop_during_a_check(ws: Path, tmp_path: Path) -> None:
    """`daemon stop` while a check runs: the check still gets its verdict, stop returns with the
    socket gone, and the next check starts a fresh daemon instead of reaching the old one."""
    slow = tmp_path / "slow.py"
    slow.write_text("import time\nimport torch\n\nSLEPT = []\n\ndef to_numpy(t):\n"
                    "    if not SLEPT:\n        SLEPT.append(1)\n        time.sleep(2)\n"
                    "    return t.detach().numpy()\n")
    run(ws, "check", PID, "--file", str(Bank().get(PID).file("solution.py")))  # daemon up
    proc = subprocess.Popen([sys.executable, "-m", "torchdojo.cli", "--workspace", str(ws),
                             "check", PID, "--file", str(slow), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # the check is under way inside the daemon
    assert "stopped" in run(ws, "daemon", "stop").stdout
    assert not (ws / ".torchdojo" / "worker.sock").exists()
    ref = Bank().get(PID).file("solution.py")
    after = run(ws, "check", PID, "--file", str(ref), "--json")  # a fresh daemon
    assert after.returncode == 0, after.stdout + after.stderr
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, out + err
    result = json.loads(out)  # every probe judged (the file lacks the other functions)
    assert result["status"] == "error" and len(result["tests"]) == 10, out


def test_code_under_grading_cannot_reach_the_daemon() -> None:
    """The socket file is visible to the sandbox here (workspace outside /tmp), yet a
    submission that connects and asks for a shutdown gets nowhere."""
    import shutil

    from torchdojo.grader.client import DaemonClient, Grader
    from torchdojo.workspace import Workspace

    root = Path(__file__).resolve().parent.parent / f".pytest-ws-{os.getpid()}"
    ws = Workspace.open(root)
    client = DaemonClient(ws)
    try:
        client.request({"op": "ping"})
        src = textwrap.dedent(f"""
            import json, socket, struct
            def to_numpy(t):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect({str(ws.socket_path)!r})
                h = json.dumps({{"op": "shutdown"}}).encode()
                s.sendall(struct.pack(">II", len(h), 0) + h)
                return s.recv(100)
            """)
        res = Grader(ws).grade(PID, src)
        assert not res.passed
        time.sleep(0.5)
        assert client.request({"op": "ping"}, start=False)["ok"]
    finally:
        client.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_cold_one_shot_check(tmp_path: Path) -> None:
    """`check --cold` grades in its own lean zygote: same verdicts, no daemon left running."""
    ws = tmp_path / "cold"
    problem = Bank().get(PID)
    starter, ref = problem.file("starter.py"), problem.file("solution.py")
    bad = run(ws, "check", PID, "--file", str(starter), "--json", "--cold")
    assert bad.returncode == 1 and json.loads(bad.stdout)["status"] == "error", bad.stderr
    good = run(ws, "check", PID, "--file", str(ref), "--json", "--cold")
    assert good.returncode == 0 and json.loads(good.stdout)["status"] == "pass", good.stderr
    # a submission that imports torchvision makes the lean zygote import it too
    tv = tmp_path / "tv.py"
    tv.write_text("import torchvision  # noqa: F401\n" + ref.read_text())
    assert run(ws, "check", PID, "--file", str(tv), "--cold").returncode == 0
    from torchdojo.workspace import Workspace

    assert not Workspace.open(ws).socket_path.exists()


def test_language_aliases() -> None:
    from torchdojo.bank import LANGS, canonical_lang

    assert [canonical_lang(x) for x in LANGS] == list(LANGS)
    assert canonical_lang("zh") == canonical_lang("zh_CN") == "zh-Hans"
    assert canonical_lang(" ZH-hans ") == "zh-Hans"
    assert canonical_lang("zh-TW") == canonical_lang("zh-hk") == "zh-Hant"
    assert canonical_lang("fr") is None and canonical_lang("") is None


def test_serve_answers_and_says_when_the_port_is_taken(tmp_path: Path) -> None:
    import socket
    import urllib.request

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run(tmp_path / "ws", "serve", "--no-open", "--port", str(port))
        assert busy.returncode == 2 and "cannot listen" in busy.stderr + busy.stdout
    env = {**os.environ, "TORCHDOJO_WORKSPACE": str(tmp_path / "ws"),
           "TORCHDOJO_NO_DAEMON": "1"}  # no grading here: only that it serves
    srv = subprocess.Popen([sys.executable, "-m", "torchdojo", "serve", "--no-open", "--port",
                            str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline and srv.poll() is None, "serve did not start"
                time.sleep(0.1)
        assert b"torchdojo-token" in page
        rows = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/problems").read())
        assert len(rows) == len(Bank())
    finally:
        srv.terminate()
        out = srv.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/" in out


def _with_notes(source: str, notes: str) -> str:
    """A correct solution with a learner's long notes in comments."""
    return source + "\n" + "".join(f"# {line}\n" for line in notes.splitlines())


def test_large_real_submissions_are_graded_on_every_path(ws: Path, tmp_path: Path) -> None:
    """70 KB of comments, or 17 k characters of Chinese notes, are a real file: graded, not
    refused, through the daemon, cold, and the notebook API. Past 1 MiB: a clear message."""
    import torchdojo

    ref = Bank().get(PID).read("solution.py")
    english = _with_notes(ref, ("why this works: the array shares the tensor's memory " * 10
                                + "\n") * 140)
    note = "张量与数组共享同一块内存，所以修改一个另一个也会变。"
    chinese = _with_notes(ref, (note * 4 + "\n") * 200)
    assert len(english.encode()) > 70_000
    assert sum("\u4e00" <= c <= "\u9fff" for c in chinese) > 17_000
    for name, src in (("english", english), ("chinese", chinese)):
        f = tmp_path / f"{name}.py"
        f.write_text(src, encoding="utf-8")
        for extra in ([], ["--cold"]):
            out = run(ws, "check", PID, "--file", str(f), "--json", *extra)
            assert out.returncode == 0, (name, extra, out.stdout[-500:], out.stderr[-2000:])
            assert json.loads(out.stdout)["status"] == "pass"
        assert torchdojo.check(PID, str(f), workspace=ws).passed
    huge = tmp_path / "huge.py"
    huge.write_text(_with_notes(ref, ("x" * 100 + "\n") * 11_000), encoding="utf-8")
    for extra in ([], ["--cold"]):
        out = run(ws, "check", PID, "--file", str(huge), *extra)
        assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr[-2000:]
        assert "up to 1024 KiB (1 MiB)" in " ".join(out.stdout.split()), out.stdout
    assert "up to 1024 KiB" in torchdojo.check(PID, str(huge), workspace=ws).message


def test_a_malformed_frame_is_a_recorded_attempt_not_a_traceback(ws: Path, tmp_path: Path
                                                                 ) -> None:
    from torchdojo.store import Store

    store = Store(ws / ".torchdojo" / "progress.sqlite3")
    before = len(store.attempts())
    store.close()
    bad = tmp_path / "forged.py"
    bad.write_text(textwrap.dedent("""
        import json, os, struct

        def to_numpy(t):
            h = json.dumps({"kind": "result", "name": "x", "ok": True, "ms": "soon"}).encode()
            for fd in range(3, 64):
                try:
                    os.write(fd, struct.pack(">II", len(h), 0) + h)
                except OSError:
                    pass
            print("\\x1b[32mPASS\\x1b[0m")

        def from_numpy_shared(a):
            return to_numpy(a)

        copy_from_numpy = from_numpy_shared
        """))
    out = run(ws, "check", PID, "--file", str(bad))
    assert out.returncode == 1 and "Traceback" not in out.stdout + out.stderr, out.stderr
    assert "\x1b" not in out.stdout
    store = Store(ws / ".torchdojo" / "progress.sqlite3")
    assert len(store.attempts()) == before + 1
    store.close()


def test_a_daemon_failure_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import sys
        from torchdojo.grader import client
        def boom(self, *a, **k):
            raise client.DaemonError("the grading daemon closed the connection")
        client.Grader.grade = boom
        sys.argv = ["torchdojo", "--workspace", {str(tmp_path)!r}, "check", {PID!r},
                    "--file", {str(Bank().get(PID).file("solution.py"))!r}]
        from torchdojo import cli
        cli.main()
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 70, out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert "closed the connection" in " ".join((out.stdout + out.stderr).split())
