#!/usr/bin/env bash
# Runs every suite: unit, integration (real Kestrel + SQLite), and the e2e/browser suites when present.
# Installs what it needs where it can; skips a part with a visible message where it cannot.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results_dir="$PWD/.test-results"
rm -rf "$results_dir" && mkdir -p "$results_dir"
passed=0; failed=0; skipped=0; broken=()

note() { printf '\n==== %s ====\n' "$*"; }

count_dotnet() { # $1 = trx file of a dotnet test run
  [ -f "$1" ] || return 1
  local counters
  counters=$(grep -oE '<Counters [^>]*' "$1" | head -n 1)
  [ -n "$counters" ] || return 1
  local total p f
  total=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - p - f))
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

for project in tests/Nanogate.Tests tests/Nanogate.IntegrationTests; do
  name=$(basename "$project")
  note "$name"
  dotnet test "$project" -c Release --no-build -nologo --results-directory "$results_dir" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" 2>&1 | tee "$results_dir/$name.log" | grep -vE '^\s*$' | tail -n 40
  if ! count_dotnet "$results_dir/$name.trx"; then
    echo "$name did not report results"; failed=$((failed + 1)); broken+=("$name")
  fi
done

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
        passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
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
echo "Passed: $passed, Failed: $failed, Skipped: $skipped"
echo "Summary: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
