#!/usr/bin/env bash
# Set up torchdojo from a clean clone: a virtual environment in .venv with the pinned torch and
# torchvision, the package (editable) with its `torchdojo` command, and the dev tools. Then it
# shows the problem list. Safe to run again: it only installs what is missing.
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
echo "==> ready. The bank:"
.venv/bin/torchdojo list
cat <<'MSG'

Start practising:   .venv/bin/torchdojo start tensor_numpy_bridge    (then edit the file it prints)
Grade your file:    .venv/bin/torchdojo check tensor_numpy_bridge
Or let it follow you as you edit:   .venv/bin/torchdojo watch
MSG
