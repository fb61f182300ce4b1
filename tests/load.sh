#!/usr/bin/env bash
# The long load profile (issue 13, docs/reliability.md): 10 minutes of mixed traffic at a fixed rate against a real
# server process, with p50/p99, errors, peak and idle RSS and the data folder reported. CI runs the same test for
# 30 s. Override with NANOGATE_LOAD_SECONDS and NANOGATE_LOAD_RPS.
set -euo pipefail
cd "$(dirname "$0")/.."
export NANOGATE_LOAD_SECONDS="${NANOGATE_LOAD_SECONDS:-600}" NANOGATE_LOAD_RPS="${NANOGATE_LOAD_RPS:-6}"
dotnet build Nanogate.slnx -c Release -nologo -v quiet
dotnet test tests/Nanogate.IntegrationTests -c Release --no-build --filter 'Category=Load' \
  --logger 'console;verbosity=detailed' | grep -E 'load profile:|^ +[a-z-]+ [0-9]+ p50|Passed|Failed|Assert'
