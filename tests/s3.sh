#!/usr/bin/env bash
# An S3-compatible server for the media store tests: s3rver (npm; a stand-in, not a production store),
# on a free loopback port, with a temp folder and the bucket "nanogate-test", credentials S3RVER/S3RVER.
#
#   source tests/s3.sh; s3_start; ...; s3_stop     (test.sh does this around the dotnet test runs)
#   tests/s3.sh start   prints the export line to use; tests/s3.sh stop ends that server
#
# s3_start exports NANOGATE_TEST_S3 (the endpoint URL); the S3 tests skip without it (and fail in CI).

S3_TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/s3"
S3_STATE_FILE="$S3_TOOLS_DIR/server.state" # only for `tests/s3.sh start|stop` from a shell

s3_start() {
  if ! command -v node > /dev/null; then
    echo "s3: node is not installed; S3 tests will skip" >&2; return 1
  fi
  if [ ! -x "$S3_TOOLS_DIR/node_modules/.bin/s3rver" ]; then
    (cd "$S3_TOOLS_DIR" && npm install --no-audit --no-fund --silent > /dev/null 2>&1) \
      || { echo "s3: npm install of s3rver failed; S3 tests will skip" >&2; return 1; }
  fi
  S3_DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/nanogate-s3rver.XXXXXX")
  "$S3_TOOLS_DIR/node_modules/.bin/s3rver" -d "$S3_DATA_DIR/data" -a 127.0.0.1 -p 0 \
    --configure-bucket nanogate-test > "$S3_DATA_DIR/log" 2>&1 &
  S3_PID=$!
  local port="" i
  for i in $(seq 1 100); do
    port=$(sed -nE 's/.*listening on 127\.0\.0\.1:([0-9]+).*/\1/p' "$S3_DATA_DIR/log" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$S3_PID" 2> /dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "s3: s3rver did not start:" >&2; cat "$S3_DATA_DIR/log" >&2
    s3_stop; return 1
  fi
  export NANOGATE_TEST_S3="http://127.0.0.1:$port"
  echo "s3: s3rver $NANOGATE_TEST_S3 (bucket nanogate-test, pid $S3_PID)"
}

s3_stop() {
  local pid="${S3_PID:-}" dir="${S3_DATA_DIR:-}"
  if [ -n "$pid" ] && kill "$pid" 2> /dev/null; then
    wait "$pid" 2> /dev/null # a child of this shell (sourced use)
    local i; for i in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done # or not (`stop`)
  fi
  if [ -n "$dir" ]; then rm -rf "$dir"; fi
  unset S3_PID S3_DATA_DIR NANOGATE_TEST_S3
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    start)
      s3_start > /dev/null || exit 1
      disown
      printf '%s %s\n' "$S3_PID" "$S3_DATA_DIR" >> "$S3_STATE_FILE"
      echo "export NANOGATE_TEST_S3=$NANOGATE_TEST_S3" ;;
    stop)
      # Ends the servers `start` left running from this checkout (only those: their pids are in the state file).
      if [ -f "$S3_STATE_FILE" ]; then
        while read -r S3_PID S3_DATA_DIR; do s3_stop; done < "$S3_STATE_FILE"
        rm -f "$S3_STATE_FILE"
      fi ;;
    *) echo "usage: tests/s3.sh start|stop (or source it and call s3_start / s3_stop)" >&2; exit 2 ;;
  esac
fi
