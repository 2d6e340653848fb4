#!/usr/bin/env bash
# Side by side, in one run, on this machine: gomle on the pure-Go backend and on XLA CPU, and the
# peers (PyTorch CPU + pytorch-minimize, numpy OLS, statsmodels GenericLikelihoodModel), all on
# the same data and start values. Writes the JSON results and a markdown table to DIR.
#   scripts/bench/run.sh [DIR]       (default docs/bench); then see DIR/cpu.md
# Needs: scripts/install-pjrt-cpu.sh (XLA CPU); Debian's python3-torch, python3-scipy,
# python3-statsmodels and libopenblas0-pthread (without it numpy and Debian's PyTorch run on the
# reference BLAS: numpy's XᵀX at the blog's size took 0.37 s instead of 0.04 s); pytorch-minimize
# (pip install --target, see below). Takes about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-docs/bench}
mkdir -p "$dir"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
site=${PEERS_SITE:-/tmp/gomle-peers-site}
[ -d "$site/torchmin" ] || /usr/bin/python3 -m pip install -q --no-deps --target "$site" pytorch-minimize==0.1.0

go build -o "$data/bench" ./cmd/bench
GOMLX_BACKEND=go:dotgeneral_small "$data/bench" -reps "${GO_REPS:-3}" -data "$data" -json "$dir/gomle-go.json" > /dev/null
GOMLX_BACKEND=xla:cpu "$data/bench" -reps "${REPS:-5}" -json "$dir/gomle-xla-cpu.json" > /dev/null
GOMLX_BACKEND=xla:cpu "$data/bench" -reps "${REPS:-5}" -batched -json "$dir/gomle-xla-cpu-batched.json" > /dev/null
PYTHONPATH="$site" /usr/bin/python3 scripts/bench/peers.py "$data" --device cpu --reps "${REPS:-5}" --statsmodels \
  --json "$dir/peers-cpu.json" > /dev/null 2>&1
{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)."
  /usr/bin/python3 scripts/bench/table.py "$dir/gomle-go.json" "$dir/gomle-xla-cpu.json" "$dir/gomle-xla-cpu-batched.json" "$dir/peers-cpu.json"
} > "$dir/cpu.md"
cat "$dir/cpu.md"
