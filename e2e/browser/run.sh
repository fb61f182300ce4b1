#!/usr/bin/env bash
# Browser tests of the playground, the API reference and the admin console: Playwright
# (playwright-core) driving Debian's Chromium against a real Nanogate on a loopback port.
# Prints exactly one line on stdout: "browser: N passed, N failed, N skipped".
# Details go to stderr and to a log: $BROWSER_LOG, else <results dir>/browser.log when a results
# directory is given as the first argument (as test.sh does), else a temp file kept on failure.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -n "${BROWSER_LOG:-}" ]; then LOG="$BROWSER_LOG"
elif [ -n "${1:-}" ] && mkdir -p "$1" 2>/dev/null; then LOG="$(cd "$1" && pwd)/browser.log"; BROWSER_LOG="$LOG"
else LOG="$(mktemp -t nanogate-browser.XXXXXX.log)"; fi
: >"$LOG"
TESTS=("$HERE"/tests/*.test.js)
TOTAL=$(cat "${TESTS[@]}" | grep -cE "^test\(")

say() { echo "[browser] $*" >&2; }
skip_all() {
  say "skipped: $1"
  echo "browser: 0 passed, 0 failed, $TOTAL skipped"
  exit 0
}

# 1. Debian's Chromium (playwright-core never downloads a browser).
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing chromium from Debian"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >>"$LOG" 2>&1 \
      || skip_all "chromium could not be installed (apt-get failed; see $LOG)"
  fi
  [ -x "$CHROMIUM" ] || skip_all "no Chromium at $CHROMIUM and no way to install it (needs root and apt-get)"
fi
command -v node >/dev/null || skip_all "node is not installed"

# 2. playwright-core.
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
  (cd "$HERE" && npm install --no-audit --no-fund --loglevel=error) >>"$LOG" 2>&1 \
    || skip_all "npm install of playwright-core failed (see $LOG)"
fi

# 3. The server: the Release build the top-level test script made, or build it now.
DLL="$ROOT/src/Nanogate/bin/Release/net10.0/Nanogate.dll"
if [ ! -f "$DLL" ]; then
  say "building Release"
  dotnet build "$ROOT/src/Nanogate" -c Release -v q -nologo >>"$LOG" 2>&1 || { say "build failed (see $LOG)"; echo "browser: 0 passed, 1 failed, 0 skipped"; exit 1; }
fi
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
DATA="$(mktemp -d -t nanogate-browser-data.XXXXXX)"
URL="http://127.0.0.1:$PORT"
# Started from the temp folder: the pages must come from the dll itself, not the working directory.
(cd "$DATA" && exec dotnet "$DLL" --urls="$URL" --Storage:DataDirectory="$DATA" --Simulator:LatencyMs=300 \
  --Bootstrap:DemoKey=sk-browser-demo --Admin:ApiKey=sk-browser-admin >"$DATA/server.log" 2>&1) &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fsS "$URL/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 0.5
done
if ! curl -fsS "$URL/readyz" >/dev/null 2>&1; then
  say "the server did not become ready; its log:"
  tail -n 30 "$DATA/server.log" >&2
  echo "browser: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

# 4. The tests, one file at a time (the machine is small).
cd "$HERE"
NANOGATE_URL="$URL" NANOGATE_DEMO_KEY=sk-browser-demo NANOGATE_ADMIN_KEY=sk-browser-admin CHROMIUM_PATH="$CHROMIUM" \
  node --test --test-concurrency=1 --test-timeout=180000 --test-reporter=tap "${TESTS[@]}" >>"$LOG" 2>&1
STATUS=$?
count() { grep -E "^# $1 [0-9]+" "$LOG" | tail -n 1 | awk '{print $3}'; }
PASS=$(count pass); FAIL=$(count fail); SKIP=$(count skipped)
PASS=${PASS:-0}; FAIL=${FAIL:-0}; SKIP=${SKIP:-0}
if [ "$STATUS" -ne 0 ] || [ "$FAIL" -ne 0 ]; then
  [ "$FAIL" -eq 0 ] && FAIL=1
  say "failures (full log: $LOG):"
  grep -E "^\s*not ok|^\s+(error|expected|actual|message):|# Subtest" "$LOG" | grep -B1 -A3 "not ok" | head -n 80 >&2
  echo "browser: $PASS passed, $FAIL failed, $SKIP skipped"
  exit 1
fi
grep -E "# SKIP" "$LOG" | sed -E "s/^\s*ok [0-9]+ - /[browser] skipped: /" >&2 || true
[ -n "${BROWSER_LOG:-}" ] || rm -f "$LOG"
echo "browser: $PASS passed, $FAIL failed, $SKIP skipped"
