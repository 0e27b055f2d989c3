#!/usr/bin/env bash
# One command for the whole benchmark (issue 9): set up what is missing, then run every section.
#   bash bench/run.sh            # the reference run (roughly 30–45 min on 2 cores; capped at 75), writes bench/RESULTS.md + bench/results.json
#   bash bench/run.sh --quick    # a short run to check the harness (~4 min); NOT the reference figures
# Anything after the script name is passed to `python -m bench` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."

# venv + requirements-dev.txt (pygeoapi, matplotlib, mapclassify, playwright ...) + node_modules, and Debian's
# chromium: the Makefile's own targets, so the benchmark uses exactly what `make run` / `make test` use.
make --no-print-directory deps browser

# wrk is the load generator when present (C, light on the shared CPUs); without it the benchmark falls back to
# its Python generator, so a failed install is not an error.
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  export DEBIAN_FRONTEND=noninteractive
  { $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq wrk >/dev/null 2>&1; }; } \
    || echo "bench: wrk not installed; using the Python load generator" >&2
fi

exec .venv/bin/python -m bench "$@"
