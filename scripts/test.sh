#!/usr/bin/env bash
# Run the whole test suite: set up (if needed), lint, then pytest. `.ci/run` calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-start
bash scripts/browser.sh   # Debian's chromium for the browser tests (never a browser download)
bash scripts/services.sh  # Debian's redis-server and postgresql for the server-mode tests
export TORCHDOJO_REQUIRE_SERVICES=1  # here they must run, not skip
echo "==> ruff"
.venv/bin/ruff check src tests
echo "==> pytest"
.venv/bin/python -m pytest -q "$@"
