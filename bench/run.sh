#!/usr/bin/env bash
# Nanogate load harness. Full run: bench/run.sh   Smoke (CI, seconds, no thresholds): bench/run.sh --smoke
# Builds Nanogate (Release) and the harness, starts everything on loopback, prints one table and
# writes bench/results/latest.json (smoke: bench/results/smoke.json). Options: bench/run.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build bench/Nanogate.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet bench/Nanogate.Bench/bin/Release/net10.0/Nanogate.Bench.dll "$@"
