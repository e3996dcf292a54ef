#!/usr/bin/env bash
# Set up torchdojo from a clean clone: a virtual environment in .venv with the pinned torch and
# torchvision, the package (editable) with its `torchdojo` command, and the dev tools. Then it
# opens the web app (from a terminal) or lists the problems. Safe to run again: it only installs
# what is missing. `--no-start` stops after the install; `--list` lists instead of serving.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $PY"
  "$PY" -m venv .venv
fi
stamp=.venv/.torchdojo-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing torch==2.14.1, torchvision==0.29.1 and torchdojo (first time: a few minutes)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  touch "$stamp"
fi
if [ "${1:-}" = "--no-start" ]; then exit 0; fi
if [ -t 0 ] && [ -t 1 ] && [ "${1:-}" != "--list" ]; then
  echo "==> ready. Starting the web app (Ctrl-C stops it; the CLI is .venv/bin/torchdojo)"
  exec .venv/bin/torchdojo serve
fi
echo "==> ready. The bank:"
.venv/bin/torchdojo list
cat <<'MSG'

In the browser:     .venv/bin/torchdojo serve          (http://127.0.0.1:8000)
Start practising:   .venv/bin/torchdojo start tensor_numpy_bridge    (then edit the file it prints)
Grade your file:    .venv/bin/torchdojo check tensor_numpy_bridge
Or let it follow you as you edit:   .venv/bin/torchdojo watch
MSG
