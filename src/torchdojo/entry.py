"""The ``torchdojo`` console script: the light path first, the full CLI for everything else.

``check`` and ``list`` go through :mod:`torchdojo.quick` (no Typer or Rich import: a warm check
costs little more than its round trip to the daemon); any other command, or anything the light
path does not recognise, goes to the Typer app in :mod:`torchdojo.cli`.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        from torchdojo.quick import run

        code = run(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        from torchdojo.cli import app

        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # `torchdojo list | head`: the reader has gone; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except Exception as exc:
        from torchdojo.grader.client import DaemonError  # only now: keeps start-up light

        if not isinstance(exc, DaemonError):
            raise
        from torchdojo.termout import Writer

        Writer(sys.stderr).line(("error:", "red"),
                                f" the grading daemon failed: {exc}. Run the command again (a "
                                "fresh daemon starts); `torchdojo daemon stop` restarts it, "
                                "`check --cold` avoids it.")
        sys.exit(70)


if __name__ == "__main__":
    main()
