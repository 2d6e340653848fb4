#!/usr/bin/env bash
# GPU check, for a lent NVIDIA machine (the device tool): gomle on XLA's CUDA PJRT plugin from the
# machine's JAX installation (jax-cuda13-pjrt's xla_cuda_plugin.so, its nvidia/ libraries beside
# it in site-packages), against PyTorch CUDA + pytorch-minimize on the same card and data.
#
# Prepare here (the device machine reaches no registry):
#   go build -ldflags='-s -w' -o .gpu/bench ./cmd/bench
#   python3 -m pip download --no-deps -d .whl pytorch-minimize==0.1.0
# then run it there with carry [".gpu", ".whl"]:  bash scripts/gpu-check.sh
# Results (JSON, nvidia-smi, logs) go to $OUT (default /tmp/gpu-check).
set -uo pipefail
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
reps=${REPS:-5}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$out/gpu.txt"

site=$(python3 -c 'import jax_plugins, os; print(os.path.dirname(list(jax_plugins.__path__)[0]))' 2>/dev/null)
plugin=$(find "$site" -name 'xla_cuda_plugin.so' 2>/dev/null | head -1)
echo "plugin: ${plugin:-not found} (site-packages $site)" | tee -a "$out/gpu.txt"
python3 -c 'import jax, jaxlib; print("jax", jax.__version__, "jaxlib", jaxlib.__version__)' 2>&1 | tee -a "$out/gpu.txt"

status=0
if [ -n "$plugin" ]; then
  GOMLX_BACKEND="xla:$plugin" timeout 200 .gpu/bench -reps "$reps" -data /tmp/blogdata \
    -json "$out/gomle-cuda.json" > "$out/gomle-cuda.log" 2>&1 || { status=1; tail -30 "$out/gomle-cuda.log"; }
  GOMLX_BACKEND="xla:$plugin" timeout 100 .gpu/bench -reps "$reps" -batched \
    -json "$out/gomle-cuda-batched.json" > "$out/gomle-cuda-batched.log" 2>&1 || { status=1; tail -30 "$out/gomle-cuda-batched.log"; }
else
  status=1
  .gpu/bench -reps 1 -sgd-iters 1 -data /tmp/blogdata > /dev/null 2>&1 # data for the peers anyway
fi

python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site
PYTHONUNBUFFERED=1 timeout 150 python3 scripts/bench/peers.py /tmp/blogdata --device cuda --reps "$reps" \
  --json "$out/peers-cuda.json" > "$out/peers-cuda.log" 2>&1 || { status=1; tail -30 "$out/peers-cuda.log"; }

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
def load(name):
    try:
        return json.load(open(os.path.join(out, name)))
    except Exception as e:
        return None
g, gb, p = load("gomle-cuda.json"), load("gomle-cuda-batched.json"), load("peers-cuda.json")
rows = [("W1 L-BFGS + SEs (s)", "w1_lbfgs_and_se"), ("W3 exact Hessian (s)", "w3_hessian"), ("value+gradient (s)", "value_grad")]
for label, key in rows:
    vals = [d["seconds"][key]["median"] if d else float("nan") for d in (g, gb, p)]
    ratio = vals[0] / vals[2] if p and g else float("nan")
    print(f"{label:24s} gomle {vals[0]:.4g}  batched {vals[1]:.4g}  torch {vals[2]:.4g}  gomle/torch {ratio:.3g}")
if g and p:
    print(f"W2 SGD it/s              gomle {g['sgd_iterations_per_second']['median']:.4g}  torch {p['sgd_iterations_per_second']['median']:.4g}")
PY
exit $status
