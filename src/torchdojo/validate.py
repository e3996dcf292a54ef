"""``torchdojo validate``: the bank proves itself, problem by problem and card by card.

Metadata, both languages, a ``# TODO:`` in every starter, entry names defined, sources that exist
in the curriculum, at least two mutants, then through the real sandbox: the reference passes
within its limits, the starter fails, and every mutant (plausible wrong answer) fails. Concept
cards: both languages, a valid auto-check (enforced on load), links that exist, and demos that
run.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from torchdojo.bank import Problem, seed_ids
from torchdojo.cards import Card
from torchdojo.demos import run_demos
from torchdojo.results import Result

CJK = re.compile(r"[\u4e00-\u9fff]")
DEPRECATION = re.compile(r"\b(Deprecation|PendingDeprecation|Future)Warning:")
MIN_MUTANTS = 2


@dataclass
class Report:
    problem: str
    issues: list[str] = field(default_factory=list)
    duration_ms: int = 0
    mutants: int = 0  # plausible wrong answers tried
    rejected: int = 0  # of them, the ones the tests did not pass

    @property
    def ok(self) -> bool:
        return not self.issues


def _defined_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def static_checks(p: Problem) -> list[str]:
    """Checks that need no grading."""
    issues = []
    for name in ("statement.en.md", "explanation.en.md"):
        if len(p.read(name).strip()) < 40:
            issues.append(f"{name} is empty or too short")
    for name in ("statement.zh.md", "explanation.zh.md"):
        if not CJK.search(p.read(name)):
            issues.append(f"{name} has no Chinese text")
    if not CJK.search(p.title["zh"]):
        issues.append("title.zh has no Chinese text")
    starter = p.read("starter.py")
    if "# TODO:" not in starter:
        issues.append("starter.py has no '# TODO:' marker")
    for name in ("starter.py", "solution.py"):
        try:
            missing = set(p.entry) - _defined_names(p.read(name))
        except SyntaxError as exc:
            issues.append(f"{name} does not parse: {exc}")
            continue
        if missing:
            issues.append(f"{name} does not define {sorted(missing)}")
    unknown = [s for s in p.sources if s not in seed_ids()]
    if unknown:
        issues.append(f"unknown source ids {unknown}")
    if len(p.mutants()) < MIN_MUTANTS:
        issues.append(f"needs at least {MIN_MUTANTS} mutants (plausible wrong answers)")
    if "public=True" not in p.read("tests.py"):
        issues.append("tests.py marks no probe public")
    return issues


def public_probes(p: Problem) -> set[str]:
    """The names of the probes ``tests.py`` marks ``@probe(public=True, ...)`` (read with ast:
    the CLI process never imports torch or the probes)."""
    names = set()
    for node in ast.parse(p.read("tests.py")).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for d in node.decorator_list:
            if isinstance(d, ast.Call) and getattr(d.func, "id", None) in (
                    "probe", "source_probe") and any(
                    k.arg == "public" and isinstance(k.value, ast.Constant) and k.value.value
                    is True for k in d.keywords):
                names.add(node.name)
    return names


def validate_problem(p: Problem, grade: Callable[[str, str, str], Result],
                     jobs: int = 1) -> Report:
    """All checks of one problem; ``grade(problem_id, source, filename)`` runs the sandbox.

    The reference is graded first (that also fills the reference cache); with ``jobs > 1`` the
    starter and the mutants are then graded that many at a time, which needs a ``grade`` that
    may be called from several threads (one sandboxed worker per call, as the daemon's pool or
    the test suite's pool give). The report is the same either way.
    """
    t0 = time.perf_counter()
    rep = Report(p.id, static_checks(p))
    ref = grade(p.id, p.read("solution.py"), "solution.py")
    if not ref.passed:
        rep.issues.append(f"reference does not pass: {ref.status}: {ref.message}")
        rep.issues += [f"  {t.name}: {t.message}" for t in ref.tests if t.status != "pass"]
    elif (probe_ms := sum(t.duration_ms for t in ref.tests)) > p.time_s * 1000:
        # The probes' own time: grade()'s duration also holds computing the cached reference
        # and, on a cold start, the zygote's torch import, which are not the learner's budget.
        rep.issues.append(f"reference probes took {probe_ms} ms, over the {p.time_s} s limit")
    for t in ref.tests:
        if DEPRECATION.search(t.output):
            rep.issues.append(f"reference raises a deprecation warning in {t.name}: "
                              f"{t.output.strip().splitlines()[0]}")
    mutants = p.mutants()
    sources = [(p.starter(), "starter.py")]  # as the learner's file begins (with its header)
    sources += [(m.read_text(encoding="utf-8"), m.name) for m in mutants]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:  # results come back in order
        results = list(pool.map(lambda sf: grade(p.id, *sf), sources))
    starter = results[0]
    if starter.passed:
        rep.issues.append("starter passes its tests")
    elif (public := public_probes(p)) and all(
            t.status == "pass" for t in starter.tests if t.name in public):
        rep.issues.append("starter passes its public tests (Run on the untouched starter would "
                          "say it passed): make a probe it fails public")
    for m, res in zip(mutants, results[1:], strict=True):
        rep.mutants += 1
        if res.passed:
            rep.issues.append(f"mutant {m.name} passes (the tests miss that mistake)")
        else:
            rep.rejected += 1
    rep.duration_ms = int((time.perf_counter() - t0) * 1000)
    return rep


def mutation_scores(reports: list[Report], tracks: dict[str, str]) -> dict[str, tuple[int, int]]:
    """(rejected, tried) mutants per track and ``"all"``: the share of plausible wrong answers
    the tests catch. ``tracks`` maps problem ids to their track."""
    scores: dict[str, tuple[int, int]] = {}
    for r in reports:
        if r.problem not in tracks:
            continue
        for key in (tracks[r.problem], "all"):
            k, n = scores.get(key, (0, 0))
            scores[key] = (k + r.rejected, n + r.mutants)
    return scores


def card_checks(card: Card, problem_ids: set[str]) -> list[str]:
    """Checks of a concept card beyond what loading it enforced: Chinese really Chinese,
    links to problems that exist, no id shared with a problem."""
    issues = []
    zh = [card.title["zh"], card.question("zh-Hans"), card.answer("zh-Hans"),
          card.prompt("zh-Hans"), card.explain("zh-Hans"), *card.key_points("zh-Hans")]
    if not all(CJK.search(t) for t in zh):
        issues.append("a zh text (title, question, answer, key point, prompt or explain) "
                      "has no Chinese")
    if len(card.answer("en").split()) < 30:
        issues.append("the model answer is shorter than 30 words")
    missing = [r for r in card.related if r not in problem_ids]
    if missing:
        issues.append(f"related problems that do not exist: {missing}")
    if card.id in problem_ids:
        issues.append("the card id is also a problem id")
    return issues


def validate_cards(cards: list[Card], problem_ids: set[str]) -> list[Report]:
    """Every card's checks, and its demo run (all demos in one process)."""
    t0 = time.perf_counter()
    runs = run_demos({c.id: c.demo for c in cards if c.demo})
    reports = []
    for c in cards:
        rep = Report(c.id, card_checks(c, problem_ids))
        run = runs.get(c.id)
        if run is not None:
            rep.duration_ms = run.ms
            if not run.ok:
                rep.issues.append(f"the demo fails: {run.output.strip()[-400:]}")
            elif not run.output.strip():
                rep.issues.append("the demo prints nothing")
        reports.append(rep)
    if not runs and reports:
        reports[0].duration_ms = int((time.perf_counter() - t0) * 1000)
    return reports
