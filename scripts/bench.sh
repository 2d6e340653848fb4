#!/usr/bin/env bash
# Runs mlx's benchmarks (value+gradient, exact Hessian, L-BFGS fit + standard errors at the
# blog's size) into a file benchstat reads, headed by the backend and device.
#   scripts/bench.sh [out.txt] [count]      e.g. GOMLX_BACKEND=go scripts/bench.sh go.txt 6
#   benchstat go.txt other.txt               compare two runs on the same machine only
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench.txt}
count=${2:-6}
{
  echo "backend: ${GOMLX_BACKEND:-default}"
  echo "device: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  go test -run "^$" -bench . -benchtime 3x -count "$count" -timeout 60m ./mlx/
} | tee "$out"
