"""The bank proves itself: every problem passes `validate` through the real sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from torchdojo.bank import Bank, load_problem
from torchdojo.validate import mutation_scores, static_checks, validate_problem

BANK = Bank()


# the seed items issue #2 asks the tensors and autograd tracks to cover
TRACKS_01_02 = ({f"S000-{i}" for i in (*range(1, 11), 70, 91)}
                | {f"S001-{i}" for i in (2, 3, 4, 14, 16)} | {"S001-H3"}
                | {f"S004-L{i}" for i in range(1, 16)})
# and the ones issue #3 asks the data track to cover
TRACK_03 = ({f"S000-{i}" for i in (*range(11, 26), 88)}
            | {"S001-9", "S003-C4", "S003-C16", "S004-L25", "S004-L26", "S004-L37"})
# and the ones issue #13 asks the models track to cover
TRACK_04 = set("""S004-L16 S004-L19 S004-L33 S001-6 S003-C2 S000-32 S000-36 S002-2 S003-C20
    S000-48 S003-C12 S003-C14 S003-C18 S000-28 S004-L18 S004-L21 S000-29 S000-39 S004-L22
    S004-L20 S001-8 S004-L34 S003-P2 S000-26 S002-23 S003-P3 S000-27 S002-3 S000-50 S002-10
    S002-29 S003-P16 S003-P17 S003-P18 S002-9 S003-P14 S000-33 S000-37 S003-C5 S004-L36
    S000-42 S002-8 S002-28 S000-44 S002-30 S000-34 S002-7 S002-27 S003-P7 S003-P13 S000-51
    S000-40 S001-12 S003-C6""".split())
# and the ones issue #14 asks the sequences track to cover
TRACK_05 = set("""S002-4 S002-24 S002-5 S000-30 S000-45 S003-P4 S003-P5 S002-21 S000-46
    S000-38 S003-P6 S000-49 S002-11 S000-41 S002-14 S002-6 S000-31 S002-13 S003-P9 S002-26
    S003-P19 S002-15 S003-P10 S002-16 S000-35 S000-47 S002-12 S003-P8 S002-20 S002-17 S002-18
    S002-19 S003-P11 S003-P20 S002-25 S000-43 S002-22 S003-P15 S003-P12 S000-52""".split())
# and the ones issue #15 asks the training track to cover
TRACK_06 = set("""S000-53 S003-P1 S004-L27 S000-54 S000-65 S004-L28 S000-55 S004-L23 S000-57
    S000-69 S001-18 S004-L24 S000-68 S001-20 S000-58 S000-71 S004-L39 S000-60 S000-66 S004-L32
    S000-63 S003-C10 S004-L31 S000-59 S000-67 S000-64 S000-61 S000-56 S000-90 S000-62
    S004-L38""".split())
# and the ones issue #16 asks the deployment track to cover
TRACK_07 = set("""S000-72 S004-L30 S000-74 S000-73 S000-86 S000-89 S000-75 S000-92 S000-83
    S000-82 S000-79 S000-77 S000-81 S000-80 S000-78 S000-76 S000-87 S000-84 S000-85""".split())


def test_bank_has_its_tracks() -> None:
    assert {"01_tensors", "02_autograd", "03_data", "04_models",
            "05_sequences", "06_training", "07_deployment"} <= set(BANK.tracks)


@pytest.mark.parametrize(("tracks", "wanted"), [(("01_tensors", "02_autograd"), TRACKS_01_02),
                                                (("03_data",), TRACK_03),
                                                (("04_models",), TRACK_04),
                                                (("05_sequences",), TRACK_05),
                                                (("06_training",), TRACK_06),
                                                (("07_deployment",), TRACK_07)])
def test_tracks_cover_their_curriculum(tracks: tuple[str, ...], wanted: set[str]) -> None:
    covered = {s for p in BANK if p.track in tracks for s in p.sources}
    assert wanted - covered == set()


@pytest.mark.parametrize("pid", [p.id for p in BANK])
def test_problem_validates(worker_pool, pid: str) -> None:
    p = BANK.get(pid)
    rep = validate_problem(p, worker_pool.grader(p), jobs=worker_pool.size)
    assert rep.ok, "\n".join(rep.issues)


def test_validate_catches_a_broken_problem(worker, add_problem, tmp_path: Path) -> None:
    broken = tmp_path / "01_fixture" / "fixture_add"
    shutil.copytree(add_problem.path, broken)
    (broken / "starter.py").write_text((broken / "solution.py").read_text())
    (broken / "problem.toml").write_text(
        (broken / "problem.toml").read_text().replace('"S000-9"', '"S999-1"'))
    p = load_problem(broken)
    issues = validate_problem(p, lambda _pid, src, fn: worker.grade(p, src, filename=fn)).issues
    assert "starter passes its tests" in issues
    assert any("unknown source ids" in i for i in issues)
    assert any("# TODO:" in i for i in issues)
    assert any("mutants" in i for i in issues)


def test_validate_wants_the_starter_to_fail_a_public_test(worker, add_problem,
                                                         tmp_path: Path) -> None:
    """Run (public tests only) on an untouched starter must not say it passed."""
    fixture = tmp_path / "01_fixture" / "fixture_add"
    shutil.copytree(add_problem.path, fixture)
    # right on the public probe (floats), wrong on the hidden int64 one
    (fixture / "starter.py").write_text("import torch\n\n\ndef add_one(x):\n"
                                        "    # TODO: keep the dtype\n    return x.float() + 1\n")
    p = load_problem(fixture)
    issues = validate_problem(p, lambda _pid, src, fn: worker.grade(p, src, filename=fn)).issues
    assert any("starter passes its public tests" in i for i in issues), issues
    assert "starter passes its tests" not in issues


def test_validate_reports_the_mutation_score(worker, judges_problem, tmp_path: Path) -> None:
    fixture = tmp_path / "01_fixture" / "fixture_judges"
    shutil.copytree(judges_problem.path, fixture)
    (fixture / "mutants" / "right_after_all.py").write_text(
        (fixture / "solution.py").read_text())  # a "wrong answer" the tests cannot reject
    p = load_problem(fixture)
    rep = validate_problem(p, lambda _pid, src, fn: worker.grade(p, src, filename=fn))
    assert (rep.mutants, rep.rejected) == (2, 1)
    assert any("mutant right_after_all.py passes" in i for i in rep.issues), rep.issues
    assert mutation_scores([rep], {p.id: p.track}) == {"01_fixture": (1, 2), "all": (1, 2)}


def test_traditional_chinese_is_converted() -> None:
    p = BANK.get("tensor_numpy_bridge")
    assert "内存" in p.statement("zh-Hans") and "記憶體" in p.statement("zh-Hant")
    assert static_checks(p) == []


def test_current_sees_edits_and_new_problems(add_problem, tmp_path: Path) -> None:
    """The daemon lives for minutes while an author edits: Bank.current reads problem.toml
    again and finds a problem folder added after the bank was loaded."""
    root = tmp_path / "bank"
    shutil.copytree(add_problem.path, root / "01_fixture" / "fixture_add")
    bank = Bank(root)
    toml = root / "01_fixture" / "fixture_add" / "problem.toml"
    toml.write_text(toml.read_text().replace("time_s = 3", "time_s = 7"))
    assert bank.get("fixture_add").time_s == 3
    assert bank.current("fixture_add").time_s == 7
    shutil.copytree(add_problem.path, root / "01_fixture" / "fixture_new")
    new_toml = root / "01_fixture" / "fixture_new" / "problem.toml"
    new_toml.write_text(new_toml.read_text().replace('"fixture_add"', '"fixture_new"'))
    with pytest.raises(KeyError):
        bank.get("fixture_new")
    assert bank.current("fixture_new").path.name == "fixture_new"
    with pytest.raises(KeyError):
        bank.current("no_such_problem")
