"""The learner's path: curriculum order, one rule for "next", progress, show, CJK rendering,
the starter's header, lessons, and the light CLI path."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from torchdojo.bank import BANK_DIR, Bank
from torchdojo.cards import Deck
from torchdojo.cjk import join_wrapped
from torchdojo.course import next_problem
from torchdojo.lessons import Lessons
from torchdojo.ui import bar
from torchdojo.web.render import to_html

FIRST = "tensor_first_steps"
CJK_SPACE = re.compile(r"[\u4e00-\u9fff，。：；） ] [\u4e00-\u9fff（]")


def run(ws: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "torchdojo", "--workspace", str(ws), *args],
                          capture_output=True, text=True, timeout=300, input=stdin,
                          env={**os.environ, "COLUMNS": "1000", **(env or {})})


# -- the order --------------------------------------------------------------------------------
def test_every_track_has_a_deliberate_order() -> None:
    bank = Bank()
    for track in bank.tracks:
        meta = tomllib.loads((BANK_DIR / track / "track.toml").read_text(encoding="utf-8"))
        folders = {p.id for p in bank.in_track(track)}
        assert len(meta["order"]) == len(set(meta["order"])), track
        assert set(meta["order"]) == folders, (track, set(meta["order"]) ^ folders)
        assert [p.id for p in bank.in_track(track)] == meta["order"]  # the bank follows it
        assert [bank.number[p] for p in meta["order"]] == list(range(1, len(folders) + 1))
        assert meta["title"]["en"] and meta["title"]["zh"]
    assert bank.in_track("01_tensors")[0].id == FIRST
    assert list(bank)[0].id == FIRST


ORDER = [("a1", "t1"), ("a2", "t1"), ("a3", "t1"), ("b1", "t2"), ("b2", "t2")]


@pytest.mark.parametrize(("statuses", "last", "skip", "want"), [
    ({}, None, (), "a1"),  # a new learner starts at the beginning
    ({"a1": "solved"}, "a1", (), "a2"),  # on through the track
    ({"b1": "solved"}, "b1", (), "b2"),  # stays in the track worked on last
    ({"a2": "solved", "b1": "solved"}, "b1", (), "b2"),
    ({"b1": "solved", "b2": "solved"}, "b2", (), "a1"),  # that track done: the course's first
    ({"a1": "solved", "a3": "solved"}, "a3", (), "a2"),  # a skipped one comes back
    ({"a1": "attempted"}, "a1", (), "a1"),  # not solved yet: still that one
    ({}, "a1", {"a1"}, "a2"),  # passed over on purpose
    ({}, "gone", (), "a1"),  # a problem no longer in the bank
    (dict.fromkeys(("a1", "a2", "a3", "b1", "b2"), "solved"), "a1", (), None),
])
def test_the_one_rule_for_next(statuses, last, skip, want) -> None:  # type: ignore[no-untyped-def]
    assert next_problem(ORDER, statuses, last, frozenset(skip)) == want


def test_list_shows_the_course_and_check_agrees_with_next(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    bank = Bank()
    rows = json.loads(run(ws, "list", "--json").stdout)
    assert [r["id"] for r in rows] == [p.id for p in bank]
    assert [r["number"] for r in rows[:3]] == [1, 2, 3]
    table = run(ws, "list", "--track", "tensors").stdout.splitlines()
    assert FIRST in table[1] and "→" in table[1]  # numbered, the next one marked
    assert run(ws, "next").stdout.startswith(f"next: {FIRST}")

    # solve a problem in the middle of another track: "solved! next" and `next` say the same
    p = bank.in_track("04_models")[3]
    done = run(ws, "check", p.id, "--file", str(p.file("solution.py")))
    assert done.returncode == 0, done.stdout + done.stderr
    said = re.search(r"solved! next: (\w+)", done.stdout)
    assert said, done.stdout
    want = bank.in_track("04_models")[0].id
    assert said.group(1) == want  # the first unsolved problem of the track worked on
    assert run(ws, "next").stdout.startswith(f"next: {want}")
    marked = [ln for ln in run(ws, "list").stdout.splitlines() if "→" in ln]
    assert len(marked) == 1 and want in marked[0]

    from torchdojo.grader.client import Grader
    from torchdojo.store import Store
    from torchdojo.watch import Watcher
    from torchdojo.workspace import Workspace

    w = Workspace.open(ws)
    store = Store(w.db_path)
    try:
        assert Watcher(w, bank, store, Grader(w))._next().id == want  # watch: the same rule
    finally:
        store.close()
        run(ws, "daemon", "stop")


def test_check_and_list_take_the_light_path(tmp_path: Path) -> None:
    """Neither Typer nor Rich (nor tomllib, once the index is cached) is imported by them."""
    ws = tmp_path / "ws"
    solution = Bank().get("tensor_numpy_bridge").file("solution.py")
    code = ("import sys\nfrom torchdojo.entry import main\nsys.argv = ['torchdojo'] + "
            "sys.argv[1:]\ntry:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "print('MODULES', code, sorted(m for m in ('typer', 'rich', 'tomllib', 'torch') "
            "if m in sys.modules))\n")
    try:
        for args in (["list"], ["list"], ["check", "tensor_numpy_bridge", "--file",
                                          str(solution)]):
            out = subprocess.run([sys.executable, "-c", code, "--workspace", str(ws), *args],
                                 capture_output=True, text=True, timeout=300)
            last = out.stdout.strip().splitlines()[-1]
            assert last.startswith("MODULES 0"), out.stdout + out.stderr
        assert last == "MODULES 0 []", last  # the check, against a running daemon
        assert "PASS" in out.stdout
    finally:
        run(ws, "daemon", "stop")
    # what the light path does not know goes to the full CLI, with its messages
    unknown = run(ws, "check", "no_such_problem")
    assert unknown.returncode == 2 and "no problem named" in unknown.stderr


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    """`torchdojo list | head -1`: the reader leaves early; the CLI stops quietly. (The pipe is
    closed before the CLI has started, so its first write finds no reader.)"""
    proc = subprocess.Popen([sys.executable, "-m", "torchdojo", "--workspace", str(tmp_path),
                             "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) in (0, 141) and "Traceback" not in err, err


# -- progress ---------------------------------------------------------------------------------
def test_a_bar_shows_any_progress() -> None:
    assert bar(0, 17) == "░" * 10
    assert bar(1, 17) != bar(0, 17) and len(bar(1, 17)) == 10
    assert bar(16, 17) != "█" * 10 and bar(17, 17) == "█" * 10
    assert bar(5, 10) == "█" * 5 + "░" * 5


def test_new_cards_are_not_due_and_have_a_daily_limit(tmp_path: Path) -> None:
    from torchdojo.review import NOW_ENV

    ws, deck = tmp_path / "ws", Deck()
    env = {NOW_ENV: "2026-03-02T09:00:00+00:00"}
    cards = json.loads(run(ws, "progress", "--json", env=env).stdout)["cards"]
    assert cards["overall"]["due"] == 0  # day 0: nothing is due
    assert cards["overall"]["new"] == len(deck)
    assert cards["new_per_day"] == 10 and cards["overall"]["new_today"] == 10
    track = deck.tracks[0]
    first, second = deck.in_track(track)[:2]
    answers = "".join(f"{_wrong(c)}\n" for c in (first, second))  # a wrong one: no rating
    out = run(ws, "quiz", "--track", track, "--new", "2", stdin=answers, env=env)
    assert "2 answered" in out.stdout, out.stdout + out.stderr
    cards = json.loads(run(ws, "progress", "--json", env=env).stdout)["cards"]
    assert cards["overall"]["new_today"] == 8 and cards["new_left_today"] == 8
    assert cards["overall"]["due"] == 0  # both are in their learning step, not due yet
    later = {NOW_ENV: "2026-03-02T09:30:00+00:00"}
    cards = json.loads(run(ws, "progress", "--json", env=later).stdout)["cards"]
    assert cards["overall"]["due"] == 2  # now they are
    tomorrow = {NOW_ENV: "2026-03-03T09:00:00+00:00"}
    cards = json.loads(run(ws, "progress", "--json", env=tomorrow).stdout)["cards"]
    assert cards["overall"]["new_today"] == 10  # a new day, a new allowance
    human = run(ws, "progress", env=env).stdout
    assert "reviews due" in human and "new today" in human and "10 a day" in human


def _wrong(card) -> str:  # type: ignore[no-untyped-def]
    chk = card.meta["check"]
    return "abcde"[(chk["answer"] + 1) % len(chk["options"])] if chk["kind"] == "choice" \
        else "certainly not this"


# -- show -------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_show_prints_the_title_once_and_a_footer_in_the_language(tmp_path: Path,
                                                                 lang: str) -> None:
    p = Bank().get("broadcast_shape")
    out = run(tmp_path / "ws", "show", p.id, "--lang", lang)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.count(p.title_in(lang)) == 1
    assert not re.search(r"·\s*·", text)  # no empty field
    assert "S004" not in text and "covers" not in text
    assert f"{Bank().number[p.id]}/{len(Bank().in_track(p.track))}" in text
    if lang == "en":
        assert "you write: broadcast_shape, mse" in text and "medium" in text
    else:
        assert "you write" not in text and "start it with" not in text
        assert ("你要写" if lang == "zh-Hans" else "你要寫") in text
        assert ("中等" in text) and "learn broadcasting" in text


# -- CJK line joining -------------------------------------------------------------------------
def test_wrapped_chinese_lines_are_joined_and_nothing_else() -> None:
    src = ("# 标题\n第一行任何张量\n都能工作。\n\n- 列表项\n  继续\n- 第二项\n\n"
           "> 引用\n> 第二行\n\n```python\n# 中文注释\n# 第二行\n```\n\n"
           "English line\nwraps here\n\n硬换行  \n保留\n")
    out = join_wrapped(src)
    assert "第一行任何张量都能工作。" in out and "列表项继续" in out and "引用第二行" in out
    assert "# 标题\n" in out  # a heading keeps its line
    assert "# 中文注释\n# 第二行" in out  # code is untouched
    assert "English line\nwraps here" in out  # English keeps its soft break (a space)
    assert "硬换行  \n保留" in out  # a hard break stays
    assert join_wrapped("no chinese\nat all") == "no chinese\nat all"


def test_statements_render_without_stray_spaces(tmp_path: Path) -> None:
    """Every wrapped CJK line of a real statement is joined in the web's HTML and the CLI."""
    p = Bank().get("broadcast_shape")
    raw = p.statement("zh-Hans")
    wrapped = re.findall(r"([\u4e00-\u9fff，])\n([\u4e00-\u9fff])", raw)
    assert wrapped, "the fixture statement should wrap inside Chinese text"
    html = to_html(raw)
    for a, b in wrapped:
        assert f"{a}{b}" in html.replace("\n", "") and f"{a}\n{b}" not in html
    shown = run(tmp_path / "ws", "show", p.id, "--lang", "zh-Hans").stdout
    flat = shown.replace("\n", "")
    for a, b in wrapped:
        assert f"{a} {b}" not in flat
    assert not CJK_SPACE.search(to_html(Bank().get(FIRST).body("zh-Hans")))


def test_traditional_uses_taiwan_phrases() -> None:
    from torchdojo.bank import to_traditional

    assert to_traditional("通过 `x` 读默认的内存") == "透過 `x` 讀預設的記憶體"
    assert to_traditional("示例：测试全部通过。") == "範例：測試全部通過。"  # "pass" stays


# -- the starter's header -------------------------------------------------------------------------
def test_the_starter_points_at_its_statement_and_names_the_tests(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    p = Bank().get("broadcast_shape")
    assert run(ws, "start", p.id).returncode == 0
    text = (ws / p.track / f"{p.id}.py").read_text()
    assert text.splitlines()[0].startswith(f"# the task: `torchdojo show {p.id}`")
    header = " ".join(ln.lstrip("# ") for ln in text.splitlines()[:6] if ln.startswith("#"))
    out = run(ws, "check", p.id, "--json")
    try:
        graded = [t["name"] for t in json.loads(out.stdout)["tests"]]
    finally:
        run(ws, "daemon", "stop")
    assert graded == [n for n, _ in p.tests()]  # the names the grader reports
    for name in graded:
        assert name in header
    assert "simple_shapes (public)" in header


# -- lessons ----------------------------------------------------------------------------------
def test_lessons_cover_the_guide_and_lead_into_problems() -> None:
    bank, deck = Bank(), Deck()
    lessons = Lessons(bank, deck)
    assert {les.source for les in lessons} == {f"S004-L{i}" for i in range(1, 40)}
    for les in lessons:
        assert lessons.problems_of(les) or lessons.cards_of(les), les.id
        for lang in ("en", "zh-Hans", "zh-Hant"):
            assert len(les.text(lang)) > 400 and les.title_in(lang)
            assert not les.text(lang).lstrip().startswith("# ")
    course = lessons.course("01_tensors")
    ids = [x.id for x in course]
    assert ids[0] == FIRST
    for les in lessons.in_track("01_tensors"):  # shown before its first problem of the track
        first = next(p.id for p in lessons.problems_of(les) if p.track == les.track)
        assert ids.index(les.id) < ids.index(first)
    assert len({x.id for x in course}) == len(course)


def test_every_lesson_code_block_runs(tmp_path: Path) -> None:
    """The ```python blocks of every lesson, both languages, each in a fresh namespace."""
    blocks = []
    for les in Lessons(Bank(), Deck()):
        for lang in ("en", "zh-Hans"):
            for i, block in enumerate(re.findall(r"^```python\n(.*?)^```", les.text(lang),
                                                 re.S | re.M)):
                blocks.append((f"{les.id}/{lang}/{i + 1}", block))
    assert len(blocks) >= 39 * 2
    script = ("import json, sys, traceback, warnings\nwarnings.simplefilter('error', "
              "DeprecationWarning)\nbad = []\nfor name, code in json.load(sys.stdin):\n"
              "    try:\n        exec(compile(code, name, 'exec'), {'__name__': '__main__'})\n"
              "    except BaseException:\n        bad.append((name, traceback.format_exc()"
              "[-800:]))\nprint(json.dumps(bad))\n")
    out = subprocess.run([sys.executable, "-c", script], input=json.dumps(blocks), text=True,
                         capture_output=True, timeout=600, cwd=tmp_path,
                         env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_learn_walks_a_track_and_ends_in_its_problems(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    lessons = Lessons(Bank(), Deck())
    first = next(iter(lessons.in_track("01_tensors")))
    out = run(ws, "learn")  # a new learner: the first lesson not yet read
    assert out.returncode == 0, out.stderr
    assert first.title_in("en") in out.stdout
    for p in lessons.problems_of(first):
        assert p.id in out.stdout
    listing = run(ws, "learn", "01_tensors").stdout
    assert f"✓ lesson: {first.id}" in listing  # read now
    les = lessons.get("broadcasting")
    zh = run(ws, "learn", les.id, "--lang", "zh-Hans").stdout
    assert les.title_in("zh-Hans") in zh and "broadcast_shape" in zh and "练习" in zh
    assert run(ws, "learn", "nope").returncode == 2
