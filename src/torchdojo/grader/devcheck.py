"""Quick, unsandboxed self-check of problem folders for bank authors.

``python -m torchdojo.grader.devcheck PROBLEM_DIR...`` grades the reference (must pass), the
starter and every mutant (must not pass) and prints each test's outcome. ``torchdojo validate``
does the same through the real sandbox, plus the metadata checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from torchdojo.bank import load_problem
from torchdojo.grader.runner import PlainRunner
from torchdojo.grader.worker import Worker


def main(argv: list[str]) -> int:
    worker = Worker(PlainRunner())
    bad = 0
    for arg in argv:
        problem = load_problem(Path(arg).resolve())
        files = [("solution.py", True), ("starter.py", False)]
        files += [(f"mutants/{m.name}", False) for m in problem.mutants()]
        if not problem.mutants():
            print(f"!! {problem.id}: no mutants/ (plausible wrong answers) defined")
            bad += 1
        for name, should_pass in files:
            res = worker.grade(problem, problem.read(name), filename=name)
            if name == "solution.py" and not res.passed:
                print(f"!! {problem.id}/solution.py: {res.status} - {res.message}")
                for t in res.tests:
                    print(f"      {t.status:5} {t.name}: {t.message}")
                bad += 1
                break  # nothing else can be judged without a working reference
            ok = res.passed == should_pass
            bad += not ok
            mark = "ok " if ok else "!! "
            print(f"{mark}{problem.id}/{name}: {res.status} - {res.message} ({res.duration_ms} ms)")
            if not ok or "-v" in sys.argv:
                for t in res.tests:
                    print(f"      {t.status:5} {t.name}: {t.message}")
                    if t.output:
                        print("        output:", t.output[:300].replace("\n", "\n        "))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main([a for a in sys.argv[1:] if a != "-v"]))
