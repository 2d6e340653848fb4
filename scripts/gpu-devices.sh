#!/usr/bin/env bash
# Several GPUs, for a lent NVIDIA machine (the device tool): cmd/bench -devices on XLA's CUDA PJRT
# plugin, the blog's problem (K = 100, float64) with its rows sharded over the first 1, 2, 4, …
# and all GPUs, against the plain evaluator on the default GPU (docs/BENCHMARKS.md, "Several
# devices"). On one GPU it checks the one-device path: devices [0] through the sharded (SPMD)
# programs against the plain ones, and times N = 1e6 and 4e6 on one GPU, which calibrates the
# effective memory bandwidth of the cost model in DESIGN.md. It installs nothing.
#
# Prepare here (the device machine reaches no registry):
#   go build -ldflags='-s -w' -o .gpu/bench ./cmd/bench
# then run it there with carry [".gpu"]:  bash scripts/gpu-devices.sh
# The plugin: JAX's xla_cuda_plugin.so from the machine's site-packages, as scripts/gpu-check.sh
# finds it, else GOMLX_BACKEND=xla:cuda (go-xla's standard folders; never downloaded). Set
# GOMLX_BACKEND to override. NS (default "1000000 4000000"), REPS (default 3), DEVICES (default
# 1, 2, 4, … up to the GPU count, and the count) as in scripts/bench/devices.sh.
# Results (JSON, devices.md, nvidia-smi, logs) go to $OUT (default /tmp/gpu-devices). It exits 1
# if a run fails or a sharded run differs from the plain one by more than 1e-9 of the largest entry.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/gpu-devices}
mkdir -p "$out"
export GOMLX_NO_AUTO_INSTALL=1
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv | tee "$out/gpu.txt"
nvidia-smi topo -m > "$out/topo.txt" 2>&1 || true
gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU')

if [ -z "${GOMLX_BACKEND:-}" ]; then
  site=$(python3 -c 'import jax_plugins, os; print(os.path.dirname(list(jax_plugins.__path__)[0]))' 2>/dev/null)
  plugin=$(find "$site" -name 'xla_cuda_plugin.so' 2>/dev/null | head -1)
  export GOMLX_BACKEND=${plugin:+xla:$plugin}
  export GOMLX_BACKEND=${GOMLX_BACKEND:-xla:cuda}
fi
echo "GPUs: $gpus; GOMLX_BACKEND=$GOMLX_BACKEND" | tee -a "$out/gpu.txt"

if [ -z "${DEVICES:-}" ]; then
  DEVICES=1
  for ((d = 2; d < gpus; d *= 2)); do DEVICES="$DEVICES,$d"; done
  [ "$gpus" -gt 1 ] && DEVICES="$DEVICES,$gpus"
fi
export DEVICES
echo "device counts: $DEVICES" | tee -a "$out/gpu.txt"

status=0
BENCH=$PWD/.gpu/bench NS=${NS:-1000000 4000000} REPS=${REPS:-3} timeout "${TIMEOUT:-420}" \
  bash scripts/bench/devices.sh "$out" > "$out/devices.log" 2>&1 || { status=1; tail -30 "$out/devices.log"; }
cat "$out/devices.md" 2>/dev/null

python3 - "$out" <<'PY' || status=1
import glob, json, sys
bad, runs = [], 0
for path in sorted(glob.glob(sys.argv[1] + "/devices-*.json")):
    r = json.load(open(path))
    plain = r["runs"][0]["seconds"]["value_grad"]["median"]
    # Two passes over X (Xβ, then Xᵀr) per value+gradient: a lower bound on the bytes moved.
    gb = 2 * r["n"] * r["k"] * 8 / 1e9
    print(f"N = {r['n']:.0e}: plain value+gradient {plain * 1e3:.3g} ms, {gb / plain:.0f} GB/s effective over 2 passes of X")
    for run in r["runs"][1:]:
        runs += 1
        worst = max(run["estimates_max_rel_diff"], run["value_grad_max_rel_diff"], run["hessian_max_rel_diff"])
        if not worst <= 1e-9:
            bad.append(f"N = {r['n']}, devices {run['devices']}: {worst:.3g}")
print(f"{runs} sharded runs checked against the plain evaluator" + (": " + "; ".join(bad) if bad else ", all within 1e-9"))
sys.exit(1 if bad or runs == 0 else 0)
PY
exit $status
