#!/usr/bin/env bash
# Runs every suite: unit, integration (real Kestrel + SQLite), and the e2e/browser suites when present.
# Installs what it needs where it can (a throwaway PostgreSQL server included, see tests/postgres.sh); skips a
# part with a visible message where it cannot. With CI=true a skip is a failure.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results_dir="$PWD/.test-results"
rm -rf "$results_dir" && mkdir -p "$results_dir"
passed=0; failed=0; skipped=0; broken=()

note() { printf '\n==== %s ====\n' "$*"; }

in_ci=false; [ "${CI:-}" = "true" ] && in_ci=true

# Adds a suite's skipped tests: in CI a skip means a missing tool, and that fails the run.
add_skipped() { # $1 = suite name, $2 = skipped tests
  [ "$2" -gt 0 ] || return 0
  if $in_ci; then
    echo "$1: $2 skipped test(s) count as failed in CI (CI=true)"; failed=$((failed + $2))
  else
    skipped=$((skipped + $2))
  fi
}

# Counts a dotnet test run from its trx. Returns 1 (after saying why) when the run cannot be trusted: no trx, no
# tests, an aborted run, or a non-zero exit without a failed test to explain it. Failed, error, timeout and
# aborted results count as failed, never as skipped.
count_dotnet() { # $1 = suite name, $2 = trx file, $3 = exit status of dotnet test
  local name=$1 trx=$2 status=$3 counters outcome total p bad s
  if [ ! -f "$trx" ]; then echo "$name: no trx (the run crashed or never started)"; return 1; fi
  counters=$(grep -oE '<Counters [^>]*' "$trx" | head -n 1)
  if [ -z "$counters" ]; then echo "$name: the trx has no counters"; return 1; fi
  counter() { local v; v=$(sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"); echo "${v:-0}"; }
  total=$(counter total); p=$(counter passed)
  bad=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
  s=$((total - p - bad)); [ "$s" -ge 0 ] || s=0
  passed=$((passed + p)); failed=$((failed + bad))
  add_skipped "$name" "$s"
  outcome=$(grep -oE '<ResultSummary outcome="[A-Za-z]+"' "$trx" | head -n 1 | sed -E 's/.*="([A-Za-z]+)"/\1/')
  if [ "$total" -eq 0 ]; then echo "$name: the run reported no tests"; return 1; fi
  if [ "$outcome" = "Aborted" ] || [ "$(counter passedButRunAborted)" -gt 0 ]; then echo "$name: the run was aborted"; return 1; fi
  if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then echo "$name: dotnet test exited with $status but no test failed"; return 1; fi
  return 0
}

# The contract suite's results per provider (its classes end in _on_sqlite / _on_postgres). Returns 1 when a
# provider has no results at all (the suite did not run there).
count_contracts() { # $1 = trx file
  [ -f "$1" ] || return 1
  local line
  line=$(grep -oE '<UnitTestResult [^>]*>' "$1" \
    | sed -nE 's/.* testName="[^"]*\.Contracts\.[A-Za-z]+_on_(sqlite|postgres)\.[^"]*".* outcome="([A-Za-z]+)".*/\1 \2/p' \
    | awk '{ n[$1]++; if ($2 == "Passed") p[$1]++; else if ($2 == "NotExecuted") s[$1]++; else f[$1]++ }
           END { sep = "";
                 for (i = 1; i <= 2; i++) { k = i == 1 ? "sqlite" : "postgres";
                   printf "%s%s %d passed %d failed", sep, k, p[k], f[k]; if (s[k] > 0) printf " %d skipped", s[k]; sep = ", " }
                 printf "|%d|%d\n", n["sqlite"], n["postgres"] }')
  echo "contract suite: ${line%%|*}"
  local counts=${line#*|}
  [ "${counts%%|*}" -gt 0 ] && [ "${counts##*|}" -gt 0 ]
}

note "build"
if ! dotnet build Nanogate.slnx -c Release -nologo -v quiet 2>&1 | tee "$results_dir/build.log" | grep -E 'error|Build succeeded' ; then :; fi
if ! grep -q 'Build succeeded' "$results_dir/build.log"; then
  echo "Build failed."; echo "Passed: 0, Failed: 1"; exit 1
fi

note "format"
if dotnet format Nanogate.slnx --verify-no-changes > "$results_dir/format.log" 2>&1; then
  echo "dotnet format: clean"; passed=$((passed + 1))
else
  grep -E 'error|warning' "$results_dir/format.log" | head -n 20; echo "dotnet format: changes needed (run: dotnet format Nanogate.slnx)"; failed=$((failed + 1))
fi

# A throwaway PostgreSQL server for the PostgreSQL half of the contract suite and the scale-out test, and an
# S3-compatible server (s3rver from npm) for the S3 media tests; both stopped and deleted at exit.
note "postgres"
# shellcheck source=tests/postgres.sh
source tests/postgres.sh
# shellcheck source=tests/s3.sh
source tests/s3.sh
trap 'postgres_stop; s3_stop' EXIT
trap 'exit 130' INT TERM
if ! postgres_start; then
  if $in_ci; then
    echo "postgres: a test server is required in CI (CI=true)"; failed=$((failed + 1)); broken+=("postgres")
  else
    skipped=$((skipped + 1))
  fi
fi

# nginx (Debian's) balances the two processes of the scale-out test.
note "nginx"
if ! command -v nginx > /dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "nginx: installing (apt-get install -y nginx-light)"
    (apt-get install -y -q nginx-light > "$results_dir/nginx-install.log" 2>&1 \
      || { apt-get update -q > /dev/null 2>&1 && apt-get install -y -q nginx-light >> "$results_dir/nginx-install.log" 2>&1; }) \
      || echo "nginx: apt-get install failed (see $results_dir/nginx-install.log)"
  fi
fi
if command -v nginx > /dev/null || [ -x /usr/sbin/nginx ]; then
  echo "nginx: $( (nginx -v || /usr/sbin/nginx -v) 2>&1 | head -n 1)"
elif $in_ci; then
  echo "nginx: required in CI for the scale-out test"; failed=$((failed + 1)); broken+=("nginx")
else
  echo "nginx: not installed; the scale-out test will skip"
fi

note "s3 test server"
if ! s3_start; then
  if $in_ci; then
    echo "s3: a test server is required in CI (CI=true)"; failed=$((failed + 1)); broken+=("s3")
  else
    echo "no S3 test server: the S3 media tests will skip"
  fi
fi

# The load profile (Category=Load) runs alone after the integration suite, so its latencies and memory are its own.
for run in tests/Nanogate.Tests tests/Nanogate.IntegrationTests:Category!=Load tests/Nanogate.ClientTests \
           tests/Nanogate.IntegrationTests:Category=Load:LoadProfile; do
  IFS=: read -r project filter name <<<"$run"
  name=${name:-$(basename "$project")}
  note "$name"
  dotnet test "$project" -c Release --no-build -nologo --results-directory "$results_dir" ${filter:+--filter "$filter"} \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" 2>&1 | tee "$results_dir/$name.log" | grep -vE '^\s*$' | tail -n 40
  status=${PIPESTATUS[0]}
  if ! count_dotnet "$name" "$results_dir/$name.trx" "$status"; then
    failed=$((failed + 1)); broken+=("$name")
  fi
  if [ "$name" = "Nanogate.IntegrationTests" ] && ! count_contracts "$results_dir/$name.trx"; then
    echo "contract suite: a provider has no results"; failed=$((failed + 1)); broken+=("contract suite")
  fi
done
postgres_stop

# Suites outside .NET: each prints "<name>: N passed, N failed, N skipped" (and maybe "<name>-<run>: …" lines).
for suite in e2e/run.sh:e2e e2e/browser/run.sh:browser; do
  script=${suite%%:*}; name=${suite##*:}
  if [ -x "$script" ]; then
    note "$script"
    "$script" "$results_dir" 2>&1 | tee "$results_dir/$name-suite.log"
    # A suite may report several runs, one line each: "<name>: …" and "<name>-<run>: …" (e2e runs
    # the newest SDK majors as "e2e" and the previous ones as "e2e-previous"); all are counted.
    lines=$(grep -E "^$name(-[a-z]+)?: [0-9]+ passed, [0-9]+ failed" "$results_dir/$name-suite.log")
    if grep -qE "^$name: " <<<"$lines"; then
      while IFS= read -r line; do
        p=$(sed -E "s/^[a-z0-9-]+: ([0-9]+) passed.*/\1/" <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
        s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line"); s=${s:-0}
        passed=$((passed + p)); failed=$((failed + f))
        # The main run's skips mean a missing tool (a failure in CI); a second run ("e2e-previous") skips the
        # docs-example files on purpose, since those import the newest SDKs only.
        if [[ $line == "$name: "* ]]; then add_skipped "$name" "$s"; else skipped=$((skipped + s)); fi
      done <<<"$lines"
    else
      echo "$script did not report results"; failed=$((failed + 1))
    fi
  fi
done

note "bench smoke"
if bench/run.sh --smoke --no-build > "$results_dir/bench-smoke.log" 2>&1 && grep -q '^bench smoke: ok' "$results_dir/bench-smoke.log"; then
  tail -n 12 "$results_dir/bench-smoke.log"; passed=$((passed + 1))
else
  tail -n 30 "$results_dir/bench-smoke.log"; echo "bench smoke failed"; failed=$((failed + 1))
fi

note "summary"
# The campaigns' own counts (docs/reliability.md): hostile cases tried, crashes survived, credits reconciled.
trx=("$results_dir/Nanogate.IntegrationTests.trx" "$results_dir/LoadProfile.trx")
campaigns=$(grep -ohE '(hostile input|crash campaign|load profile): [^&<]*' "${trx[@]}" 2>/dev/null | sort -u)
if [ -n "$campaigns" ]; then echo "$campaigns"; fi
# Each campaign test writes "fault-injection: <campaign> <count>" for every fault it injected (a SIGKILL, a full disk,
# a read-only folder); summed here per campaign.
faults=$(grep -ohE 'fault-injection: [a-z-]+ [0-9]+' "${trx[@]}" 2>/dev/null \
  | awk '{ n[$2] += $3; t += $3 } END { if (t > 0) { printf "faults injected: %d (", t; sep = "";
           for (k in n) { printf "%s%s %d", sep, k, n[k]; sep = ", " } print ")" } }')
if [ -n "$faults" ]; then echo "$faults"; fi
echo "Passed: $passed, Failed: $failed, Skipped: $skipped"
echo "Summary: $passed passed, $failed failed, $skipped skipped"
[ "${#broken[@]}" -eq 0 ] || echo "Runs that could not be trusted: ${broken[*]}"
[ "$failed" -eq 0 ]
