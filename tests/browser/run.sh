#!/usr/bin/env bash
# Browser tests of the chain composer and the sweep panel: installs what they need, then drives the widgets in headless Chromium.
# usage: tests/browser/run.sh [VENV]   (VENV: a virtual environment to use; default: the python3 on PATH)
# Installs Debian's chromium with apt when /usr/bin/chromium is missing (no browser download), and
# voila, ipykernel and playwright with pip when the environment lacks them. Last line:
#   browser: N passed, M failed
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ $# -ge 1 ] && [ -n "$1" ]; then py="$1/bin/python"; shift; else py=$(command -v python3); fi
fail() { echo "browser test setup: $1" >&2; echo "browser: 0 passed, 1 failed"; exit 1; }
[ -x "$py" ] || fail "no python at $py"

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y chromium >/dev/null 2>&1 || { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y chromium >/dev/null 2>&1; } \
    || fail "could not install chromium with apt-get"
fi
if ! "$py" -c "import voila, ipykernel, playwright" >/dev/null 2>&1; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$py" -m pip install -q voila ipykernel playwright || fail "pip install voila ipykernel playwright failed"
fi
cd "$root" || fail "no repository at $root"
passed=0; failed=0; rc=0
for t in test_composer.py test_sweep_panel.py; do
  out=$(mktemp)
  timeout 170 "$py" "$here/$t" --chromium "$chromium" "$@" 2>&1 | tee "$out"
  r=${PIPESTATUS[0]}
  [ $r -eq 124 ] && echo "browser test $t ran past 170 s"
  line=$(grep -E '^browser: [0-9]+ passed, [0-9]+ failed' "$out" | tail -1); rm -f "$out"
  if [ -n "$line" ]; then
    passed=$((passed + $(sed -E 's/^browser: ([0-9]+) passed.*/\1/' <<<"$line"))); failed=$((failed + $(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")))
  else failed=$((failed + 1)); fi
  [ $r -ne 0 ] && rc=1
done
echo "browser: $passed passed, $failed failed"
exit $rc
