#!/usr/bin/env bash
# Side by side, in one run, on this machine: gomle on the pure-Go backend and on XLA CPU, and the
# peers, all on the same data and start values. Writes the JSON results and a markdown table to DIR.
#   scripts/bench/run.sh [DIR]       (default docs/bench); then see DIR/cpu.md
# The peers (scripts/bench/peers.py, peers_jax.py):
#   PyTorch CPU (Debian's 1.13): W1 pytorch-minimize l-bfgs (tol 1e-5, the blog's call) then
#     torch.autograd.functional.hessian SEs; W2 torch.optim.SGD; W3 autograd hessian; value+grad.
#   JAX CPU, float64 (PyPI jax/jaxlib 0.10.2, the newest for Debian's Python 3.11), in a process
#     of its own: W1 SciPy L-BFGS-B on a jitted jax.value_and_grad (tolerances matched to
#     pytorch-minimize as far as L-BFGS-B allows; see peers_jax.py) then jitted jax.hessian SEs;
#     W2 one jitted SGD step per call, and 100 steps per call (lax.scan); W3 jax.jit(jax.hessian).
#   numpy closed-form OLS (the floor) and statsmodels GenericLikelihoodModel (BFGS).
# All time the warm program: one untimed call first (compilation), then REPS calls.
# Needs: scripts/install-pjrt-cpu.sh (XLA CPU); Debian's python3-torch, python3-scipy,
# python3-statsmodels and libopenblas0-pthread (without it numpy and Debian's PyTorch run on the
# reference BLAS: numpy's XᵀX at the blog's size took 0.37 s instead of 0.04 s), which it installs
# with apt-get when run as root; pytorch-minimize into PEERS_SITE and JAX (with the numpy >= 2 and
# SciPy it needs, apart from Debian's) into JAX_SITE, both with pip install --target, see below.
# Knobs: REPS (5), GO_REPS (3, pure Go), N (50000) and K (100). Takes about 6 minutes.
# The Hessian alone against K: scripts/bench/sweep.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-docs/bench}
mkdir -p "$dir"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
source scripts/bench/peers-setup.sh

go build -o "$data/bench" ./cmd/bench
size=(-n "${N:-50000}" -k "${K:-100}")
GOMLX_BACKEND=go:dotgeneral_small "$data/bench" "${size[@]}" -reps "${GO_REPS:-3}" -data "$data" -json "$dir/gomle-go.json" > /dev/null
GOMLX_BACKEND=xla:cpu "$data/bench" "${size[@]}" -reps "${REPS:-5}" -json "$dir/gomle-xla-cpu.json" > /dev/null
GOMLX_BACKEND=xla:cpu "$data/bench" "${size[@]}" -reps "${REPS:-5}" -batched -json "$dir/gomle-xla-cpu-batched.json" > /dev/null
PYTHONPATH="$peers_site" /usr/bin/python3 scripts/bench/peers.py "$data" --device cpu --reps "${REPS:-5}" --statsmodels \
  --json "$dir/peers-cpu.json" > /dev/null 2> "$data/peers.log" || { cat "$data/peers.log" >&2; exit 1; }
PYTHONPATH="$jax_site" /usr/bin/python3 scripts/bench/peers_jax.py "$data" --reps "${REPS:-5}" \
  --json "$dir/peers-jax-cpu.json" > /dev/null 2> "$data/jax.log" || { cat "$data/jax.log" >&2; exit 1; }
{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)."
  /usr/bin/python3 scripts/bench/table.py "$dir/gomle-go.json" "$dir/gomle-xla-cpu.json" "$dir/gomle-xla-cpu-batched.json" \
    "$dir/peers-cpu.json" "$dir/peers-jax-cpu.json"
} > "$dir/cpu.md"
cat "$dir/cpu.md"
