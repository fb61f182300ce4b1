#!/usr/bin/env bash
# Conformance suite: the real client SDKs (npm @google/genai, openai, standardwebhooks) against a
# real Nanogate on loopback with the built-in simulator, twice: with the previous SDK majors (summary
# line "e2e-previous: …") and with the newest majors (the last line, "e2e: …"). Each run first prints
# the SDK versions it drives. Summary lines:
#   e2e: N passed, N failed, N skipped
# Usage: e2e/run.sh [results_dir]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
results="${1:-$here/.results}"
mkdir -p "$results"
tests=("$here"/tests/*.test.mjs)
# For the skip line when nothing can run: the test() calls (a loop's test counts once).
planned=$(cat "${tests[@]}" | grep -cE '^\s*test\(')

summary() { echo "e2e: $1 passed, $2 failed, $3 skipped"; }
skip_all() { echo "e2e: skipped ($1)"; summary 0 0 "$planned"; exit 0; }

command -v node >/dev/null 2>&1 || skip_all "node is not installed"
command -v npm >/dev/null 2>&1 || skip_all "npm is not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || skip_all "node $node_major is older than 20"

cd "$here"
if [ ! -d node_modules/@google/genai ] || [ ! -d node_modules/openai ] || [ ! -d node_modules/standardwebhooks ] || [ ! -d node_modules/genai-previous ] || [ ! -d node_modules/openai-previous ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "e2e: installing npm packages"
  if ! { npm ci --no-audit --no-fund >"$results/npm-install.log" 2>&1 || npm install --no-audit --no-fund >>"$results/npm-install.log" 2>&1; }; then
    tail -n 5 "$results/npm-install.log"
    echo "e2e: skipped (npm install failed)"
    summary 0 0 "$planned"
    exit 0
  fi
fi

dll="$root/src/Nanogate/bin/Release/net10.0/Nanogate.dll"
if [ ! -f "$dll" ]; then
  echo "e2e: building Nanogate (Release)"
  if ! dotnet build -c Release "$root/src/Nanogate" -nologo -v quiet >"$results/e2e-build.log" 2>&1; then
    tail -n 20 "$results/e2e-build.log"
    echo "e2e: Nanogate did not build"
    summary 0 1 0
    exit 1
  fi
fi

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
data_dir=$(mktemp -d "${TMPDIR:-/tmp}/nanogate-e2e.XXXXXX")
base="http://127.0.0.1:$port"
dotnet "$dll" --urls="$base" --Storage:DataDirectory="$data_dir" \
  --Simulator:LatencyMs=0 --Bootstrap:DemoKey=sk-e2e-demo --Admin:ApiKey=sk-e2e-admin \
  --Security:AllowPrivateNetworkTargets=true --Logging:LogLevel:Default=Warning \
  >"$results/e2e-server.log" 2>&1 &
server_pid=$!
cleanup() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$data_dir"; }
trap cleanup EXIT

ready=false
for _ in $(seq 1 150); do
  if curl -fsS "$base/readyz" >/dev/null 2>&1 || node -e "fetch('$base/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
    ready=true; break
  fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
if ! $ready; then
  tail -n 30 "$results/e2e-server.log"
  echo "e2e: Nanogate did not become ready on $base"
  summary 0 1 0
  exit 1
fi

export NANOGATE_URL="$base" NANOGATE_API_KEY=sk-e2e-demo NANOGATE_ADMIN_KEY=sk-e2e-admin
version_of() { node -p "require('$here/node_modules/$1/package.json').version" 2>/dev/null || echo "?"; }

# One run per SDK generation, against the same server. "current": the newest published majors
# (@google/genai, openai) and every test file; "previous": the majors before them (the aliases
# genai-previous, openai-previous in package.json) and only the files that drive an SDK.
run_suite() { # $1 = current|previous, $2 = summary name, then the test files
  local which=$1 name=$2; shift 2
  local tap="$results/$name.tap"
  if [ "$which" = previous ]; then
    echo "$name: SDKs @google/genai $(version_of genai-previous), openai $(version_of openai-previous) (previous majors)"
  else
    echo "$name: SDKs @google/genai $(version_of @google/genai), openai $(version_of openai) (newest majors)"
  fi
  E2E_SDK=$which node --test --test-reporter=tap "$@" >"$tap" 2>&1
  grep -E '# SKIP' "$tap" | sed -E 's/^[[:space:]]*ok [0-9]+ - /  skipped: /' || true
  grep -A25 -E '^[[:space:]]*not ok' "$tap" | head -n 150 || true
  count() { grep -E "^# $1 [0-9]+" "$tap" | tail -n 1 | awk '{print $3}'; }
  local pass fail skipped cancelled todo
  pass=$(count pass); fail=$(count fail); skipped=$(count skipped); cancelled=$(count cancelled); todo=$(count todo)
  if [ -z "$pass" ]; then
    tail -n 40 "$tap"
    echo "$name: node --test did not report results"
    echo "$name: 0 passed, 1 failed, 0 skipped"
    return 1
  fi
  fail=$(( ${fail:-0} + ${cancelled:-0} ))
  skipped=$(( ${skipped:-0} + ${todo:-0} ))
  echo "$name: $pass passed, $fail failed, $skipped skipped"
  [ "$fail" -eq 0 ]
}

status=0
mapfile -t sdk_tests < <(grep -l '"./sdk.mjs"' "${tests[@]}")
run_suite previous e2e-previous "${sdk_tests[@]}" || status=1
# The main run last, so its "e2e:" line ends the output.
run_suite current e2e "${tests[@]}" || status=1
exit $status
