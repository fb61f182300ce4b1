#!/usr/bin/env bash
# The scale-out test on its own, in any profile: two Nanogate processes on one PostgreSQL behind nginx, tasks
# submitted while processes are killed with SIGKILL and restarted (tests/.../ScaleOut/MultiProcessKillTests.cs).
#
#   tests/scaleout.sh                                             the CI profile: 1,000 tasks, one kill
#   NANOGATE_SCALEOUT_TASKS=10000 NANOGATE_SCALEOUT_KILLS=4 tests/scaleout.sh     the long profile
#
# Starts its own throwaway PostgreSQL (tests/postgres.sh) and needs nginx (apt-get install -y nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Nanogate.slnx -c Release -nologo -v quiet > /dev/null
export CI="${CI:-true}" # a missing PostgreSQL or nginx fails instead of skipping
exec tests/postgres.sh dotnet test tests/Nanogate.IntegrationTests -c Release --no-build \
  --filter "FullyQualifiedName~ScaleOut.MultiProcessKillTests" --logger "console;verbosity=detailed"
