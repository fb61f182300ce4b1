#!/usr/bin/env bash
# The nanogate tool (dotnet tool install --global Nanogate.Cli), configured by NANOGATE_URL and NANOGATE_API_KEY.
set -euo pipefail

nanogate models                       # models, aliases, ratios, sizes, credits per image
nanogate balance                      # credits available, reserved, charged

# Two 16:9 images into ./out (live progress on a terminal), then an edit of the first with it as a reference.
nanogate generate "a red kite" --model nano-banana-2-lite --ratio 16:9 -n 2 -o ./out
first=$(ls ./out/*-0.png)
nanogate generate "the same kite at night" --ref "$first" -o ./edited

# For scripts: --json, and one exit code per failure (5 = not enough credits, 6 = server unreachable, ...).
status=0
nanogate generate "a paper boat" --json -o ./out > result.json || status=$?
if [ "$status" -eq 5 ]; then echo "top up first"; fi
nanogate tasks --status succeeded --limit 5
