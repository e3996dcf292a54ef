"""The dependency rules of DESIGN.md that lint cannot see on its own."""

from __future__ import annotations

import subprocess
import sys


def test_list_does_not_import_torch(tmp_path) -> None:
    code = ("import sys\nfrom torchdojo.cli import app\n"
            "sys.argv = ['torchdojo', '--workspace', sys.argv[1], 'list', '--json']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ws")],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("NO-TORCH"), out.stdout[-300:] + out.stderr
