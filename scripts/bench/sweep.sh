#!/usr/bin/env bash
# W3 alone (the exact Hessian at the start values) against K, at N = 50000, on the same data and
# in one run: gomle on XLA CPU and on pure Go, PyTorch (torch.autograd.functional.hessian) and
# JAX (jax.jit(jax.hessian), float64), each timed warm (one untimed call, then REPS calls).
# Pure Go at K = 400 takes about 9 s a call here, so it runs up to GO_MAX_K (default 400).
#   scripts/bench/sweep.sh [DIR]    (default docs/bench); writes DIR/sweep.json and DIR/sweep.md
# Knobs: KS ("25 50 100 200 400"), N (50000), REPS (5), GO_REPS (3), GO_MAX_K (400).
# Needs what scripts/bench/run.sh needs (peers-setup.sh installs the Python side). About 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-docs/bench}
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source scripts/bench/peers-setup.sh

go build -o "$tmp/bench" ./cmd/bench
n=${N:-50000}
for k in ${KS:-25 50 100 200 400}; do
  data="$tmp/data-$k"
  GOMLX_BACKEND=xla:cpu "$tmp/bench" -n "$n" -k "$k" -only w3 -reps "${REPS:-5}" -data "$data" \
    -json "$tmp/k$k-gomle-xla-cpu.json" > /dev/null
  if [ "$k" -le "${GO_MAX_K:-400}" ]; then
    GOMLX_BACKEND=go:dotgeneral_small "$tmp/bench" -n "$n" -k "$k" -only w3 -reps "${GO_REPS:-3}" \
      -json "$tmp/k$k-gomle-go.json" > /dev/null
  fi
  PYTHONPATH="$peers_site" /usr/bin/python3 scripts/bench/peers.py "$data" --only w3 --reps "${REPS:-5}" \
    --json "$tmp/k$k-peers-cpu.json" > /dev/null 2> "$tmp/peers.log" || { cat "$tmp/peers.log" >&2; exit 1; }
  PYTHONPATH="$jax_site" /usr/bin/python3 scripts/bench/peers_jax.py "$data" --only w3 --reps "${REPS:-5}" \
    --json "$tmp/k$k-peers-jax-cpu.json" > /dev/null 2> "$tmp/jax.log" || { cat "$tmp/jax.log" >&2; exit 1; }
  rm -rf "$data"
done
{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)."
  /usr/bin/python3 scripts/bench/sweep_table.py "$dir/sweep.json" "$tmp"/k*.json
} > "$dir/sweep.md"
cat "$dir/sweep.md"
