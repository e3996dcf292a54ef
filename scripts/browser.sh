#!/usr/bin/env bash
# Make sure a system Chromium is there for the browser tests (tests/test_browser.py drive it with
# Playwright by executable path). Installs Debian's `chromium` package when it is missing, and a
# small CJK font (fonts-wqy-microhei) so the pages' Chinese shows in screenshots rather than as
# boxes; it never lets Playwright download a browser. Set TORCHDOJO_CHROMIUM to use another
# executable.
set -euo pipefail
want=()
if [ -z "${TORCHDOJO_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  want+=(chromium)
fi
if ! fc-list 2>/dev/null | grep -qiE "wqy|noto.*cjk"; then want+=(fonts-wqy-microhei); fi
[ ${#want[@]} -eq 0 ] && exit 0
echo "==> installing ${want[*]} for the browser tests"
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${want[@]}" >/dev/null; }; then
  echo "could not install ${want[*]}: without chromium the browser tests will fail; install" \
       "it (apt-get install chromium) or point TORCHDOJO_CHROMIUM at a Chromium executable" >&2
fi
