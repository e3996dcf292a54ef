#!/usr/bin/env bash
# Start torchdojo's class server in one command: set up (if needed), install Debian's
# redis-server and postgresql (if missing), then `torchdojo serve --server`. With no
# --database/--redis (or TORCHDOJO_DATABASE_URL/TORCHDOJO_REDIS_URL) it runs its own PostgreSQL
# and Redis on loopback with data in a temporary directory, removed when it stops: for trying
# it out and for development. Arguments go to `torchdojo serve --server` (--host, --port,
# --workers, --database, --redis).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-start
bash scripts/services.sh
exec .venv/bin/torchdojo serve --server --no-open "$@"
