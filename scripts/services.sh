#!/usr/bin/env bash
# Installs the Debian packages that torchdojo's server mode needs: redis-server and postgresql.
# Why: the server mode (and its test suite) starts real PostgreSQL and Redis servers on loopback,
# with data in a temporary directory (see src/torchdojo/server/services.py). This script only
# installs them; it starts nothing. Idempotent: prints one line when everything is there.
set -euo pipefail

have_redis() { command -v redis-server >/dev/null 2>&1; }
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

missing=()
have_redis || missing+=(redis-server)
have_postgres || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    echo "services.sh: redis-server and postgresql are installed."
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "services.sh: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "services.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
    echo "services.sh: install failed; running apt-get update and retrying" >&2
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

have_redis || { echo "services.sh: redis-server still missing after install" >&2; exit 1; }
have_postgres || { echo "services.sh: postgres still missing after install" >&2; exit 1; }
echo "services.sh: done."
