#!/usr/bin/env bash
# Several devices: the blog's problem (K = 100) with its rows sharded over 1, 2, 4, 8 devices
# (mlx.NewEvaluatorOn), against the plain evaluator on the default device; time per
# value+gradient, per exact Hessian and per L-BFGS fit, and the largest difference of each
# from the plain evaluator's. One process per N. On XLA CPU (the default) the devices are
# virtual (backend.NewCPU): they share the machine's cores, so this measures what sharding and
# the AllReduce cost, not a speedup. scripts/gpu-devices.sh runs the same on a lent GPU machine.
#   scripts/bench/devices.sh [DIR]   (default docs/bench); writes DIR/devices-*.json and DIR/devices.md
# Environment: NS (default "100000 1000000"), DEVICES (default 1,2,4,8), REPS (default 3),
# BENCH (a built cmd/bench; default: build one).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-docs/bench}
ns=${NS:-100000 1000000}
devices=${DEVICES:-1,2,4,8}
reps=${REPS:-3}
mkdir -p "$dir"
bin=${BENCH:-}
if [ -z "$bin" ]; then
  bin=$(mktemp -d)/bench
  go build -o "$bin" ./cmd/bench
fi
load=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $ns; do
  "$bin" -n "$n" -k 100 -devices "$devices" -reps "$reps" -json "$dir/devices-$n.json" > /dev/null
done
load="$load to $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$dir" "$load" "$(nproc)" $ns > "$dir/devices.md" <<'PY'
import json, sys
d, load, cores, ns = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
runs = [json.load(open(f"{d}/devices-{n}.json")) for n in ns]
r0 = runs[0]
print(f"K = 100, float64, backend {r0['backend_config']}, {cores} cores; load average (1, 5, 15 min) "
      f"{load} over the runs. Seconds, median of {r0['reps']} [min, max] (value+gradient: of at least 10); "
      "(×) = ratio to the plain evaluator's median at the same N. \"diff\" is the largest difference "
      "from the plain evaluator's estimates (L-BFGS fit), value+gradient and exact Hessian, relative to "
      "the largest entry.")
print()
print("| N | devices | value+gradient (s) | exact Hessian (s) | L-BFGS fit (s) | iterations | diff: estimates, value+gradient, Hessian |")
print("|---|---|---|---|---|---|---|")
def cell(run, plain, key):
    s, p = run["seconds"][key], plain["seconds"][key]
    ratio = "" if run is plain else f" ({s['median'] / p['median']:.2f}×)"
    return f"{s['median']:.3g} [{s['min']:.3g}, {s['max']:.3g}]{ratio}"
for r in runs:
    plain = r["runs"][0]
    for run in r["runs"]:
        devs = "default device, not sharded" if run["devices"] is None else f"{len(run['devices'])} (sharded)"
        diff = "–" if run is plain else (f"{run['estimates_max_rel_diff']:.1e}, {run['value_grad_max_rel_diff']:.1e}, "
                                        f"{run['hessian_max_rel_diff']:.1e}")
        print(f"| {r['n']:.0e} | {devs} | {cell(run, plain, 'value_grad')} | {cell(run, plain, 'hessian')} | "
              f"{cell(run, plain, 'lbfgs_fit')} | {run['fit_iterations']} | {diff} |")
if len(runs) > 1:
    print()
    a, b = runs[0], runs[-1]
    print(f"Against N ({a['n']:.0e} → {b['n']:.0e}, ×{b['n'] / a['n']:.0f}), ratio of medians per device count:")
    print()
    print("| devices | value+gradient | exact Hessian | L-BFGS fit |")
    print("|---|---|---|---|")
    for ra, rb in zip(a["runs"], b["runs"]):
        devs = "default" if ra["devices"] is None else str(len(ra["devices"]))
        print(f"| {devs} | " + " | ".join(f"{rb['seconds'][k]['median'] / ra['seconds'][k]['median']:.1f}×"
                                         for k in ("value_grad", "hessian", "lbfgs_fit")) + " |")
PY
cat "$dir/devices.md"
