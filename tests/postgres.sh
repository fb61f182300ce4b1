#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suites: a fresh cluster in a temp folder on a free loopback port,
# tuned for speed (no fsync: never for benchmarks), gone again when the run ends.
#
# Sourced by test.sh:   source tests/postgres.sh; trap postgres_stop EXIT; postgres_start
#   postgres_start exports NANOGATE_TEST_POSTGRES (returns 0) or prints "postgres: skipped (reason)" (returns 1).
# Called directly:      tests/postgres.sh COMMAND [ARGS...]
#   runs COMMAND with NANOGATE_TEST_POSTGRES set and stops the server afterwards, whatever COMMAND returns.
#
# As root the server runs as the "postgres" user (initdb refuses root); as anyone else, as that user.
# PostgreSQL comes from Debian's "postgresql" package, installed with apt-get when missing and root allows it.

postgres_dir=""
postgres_bin=""
postgres_as=()

postgres__log() { printf 'postgres: %s\n' "$*"; }

# Newest installed server binaries (initdb + pg_ctl), or nothing.
postgres__find_bin() {
  local dir best=""
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] || continue
    if [ -z "$best" ] || [ "$(basename "$(dirname "$dir")")" -gt "$(basename "$(dirname "$best")")" ] 2>/dev/null; then
      best=$dir
    fi
  done
  printf '%s' "$best"
}

# A loopback port nobody listens on right now (the kernel picks it; the start retries if someone takes it meanwhile).
postgres__free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s' "$port"; return
    fi
  done
  return 1
}

postgres_start() {
  postgres_bin=$(postgres__find_bin)
  if [ -z "$postgres_bin" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      postgres__log "skipped (no PostgreSQL server binaries in /usr/lib/postgresql/*/bin and not root to install them)"; return 1
    fi
    postgres__log "installing the postgresql package"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/tmp/nanogate-postgres-install.log 2>&1; then
      tail -n 5 /tmp/nanogate-postgres-install.log
      postgres__log "skipped (apt-get could not install postgresql; see /tmp/nanogate-postgres-install.log)"; return 1
    fi
    postgres_bin=$(postgres__find_bin)
    [ -n "$postgres_bin" ] || { postgres__log "skipped (postgresql installed but no server binaries found)"; return 1; }
  fi

  postgres_dir=$(mktemp -d "${TMPDIR:-/tmp}/nanogate-pg.XXXXXX") || { postgres__log "skipped (no temp folder)"; return 1; }
  mkdir -p "$postgres_dir/data" "$postgres_dir/socket"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      postgres__log "skipped (running as root but there is no postgres user to run the server as)"; postgres_stop; return 1
    fi
    # The server refuses to run as root: the whole folder belongs to the postgres user.
    chown -R postgres: "$postgres_dir"
    postgres_as=(runuser -u postgres --)
  else
    postgres_as=()
  fi

  if ! "${postgres_as[@]}" "$postgres_bin/initdb" -D "$postgres_dir/data" -A trust -U postgres -E UTF8 --no-sync >"$postgres_dir/initdb.log" 2>&1; then
    tail -n 5 "$postgres_dir/initdb.log"
    postgres__log "skipped (initdb failed)"; postgres_stop; return 1
  fi

  local port attempt
  for attempt in 1 2 3; do
    port=$(postgres__free_port) || break
    if "${postgres_as[@]}" "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w -t 60 \
        -o "-p $port -k $postgres_dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null 2>&1; then
      export NANOGATE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres"
      postgres__log "started PostgreSQL $("$postgres_bin/postgres" --version 2>/dev/null | sed -E 's/^[^0-9]*([0-9.]+).*/\1/') on 127.0.0.1:$port (data in $postgres_dir)"
      return 0
    fi
    postgres__log "start on port $port failed (attempt $attempt)"
  done
  tail -n 10 "$postgres_dir/server.log" 2>/dev/null
  postgres__log "skipped (the server did not start)"; postgres_stop; return 1
}

# Stops the server (if it runs) and deletes its folder; safe to call twice.
postgres_stop() {
  [ -n "$postgres_dir" ] || return 0
  if [ -f "$postgres_dir/data/postmaster.pid" ]; then
    "${postgres_as[@]}" "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$postgres_dir"
  postgres_dir=""
  unset NANOGATE_TEST_POSTGRES
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  trap postgres_stop EXIT
  trap 'exit 130' INT TERM
  if ! postgres_start && [ "${CI:-}" = "true" ]; then
    echo "postgres: a test server is required in CI"; exit 1
  fi
  if [ "$#" -gt 0 ]; then
    "$@"
  fi
fi
