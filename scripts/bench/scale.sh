#!/usr/bin/env bash
# Data larger than memory: time per evaluation, an L-BFGS fit and peak memory against N, with
# the data streamed through the backend in chunks (mlx.Chunks). One process per N, so each peak
# is its own. The exact Hessian is timed up to N = 1e6 (at 1e7 it is 100 chunks' worth).
#   scripts/bench/scale.sh [DIR]     (default docs/bench); writes DIR/scale-*.json and DIR/scale.md
#   SCALE_N="10000000" scripts/bench/scale.sh DIR   runs only the N listed (default 1e5, 1e6, 1e7)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-docs/bench}
rows=${CHUNK_ROWS:-100000}
mkdir -p "$dir"
bin=$(mktemp -d)/bench
go build -o "$bin" ./cmd/bench
for n in ${SCALE_N:-100000 1000000 10000000}; do
  extra=(); [ "$n" -le 1000000 ] && extra=(-hessian)
  # A soft memory limit makes the collector return garbage sooner. The data are in the backend's
  # memory (mlx.NewColumn), not on the Go heap, so it no longer changes the peak (was 18.4 GiB at
  # 10^7 rows, 19.2 without, with chunks built from Go slices).
  GOMEMLIMIT=${GOMEMLIMIT:-11GiB} "$bin" -n "$n" -k 100 -chunk-rows "$rows" -reps 3 "${extra[@]}" -json "$dir/scale-$n.json" > /dev/null
done
/usr/bin/python3 - "$dir" > "$dir/scale.md" <<'PY'
import glob, json, sys
runs = sorted((json.load(open(p)) for p in glob.glob(sys.argv[1] + "/scale-*.json")), key=lambda r: r["n"])
print(f"K = 100, chunks of {runs[0]['chunk_rows']} rows, backend {runs[0]['backend_config']}; seconds, median of 3 [min, max].")
print()
print("| N | data (GiB) | chunks | value+gradient (s) | exact Hessian (s) | L-BFGS fit (s, iterations) | peak RSS (GiB) |")
print("|---|---|---|---|---|---|---|")
def cell(r, key):
    s = r["seconds"].get(key)
    return f"{s['median']:.3g} [{s['min']:.3g}, {s['max']:.3g}]" if s else "–"
for r in runs:
    print(f"| {r['n']:.0e} | {r['data_gib']:.2f} | {r['chunks']} | {cell(r, 'value_grad')} | {cell(r, 'hessian')} | "
          f"{r['seconds']['lbfgs_fit']['median']:.3g} ({r['fit_iterations']}, {r['fit_status']}) | {r['peak_rss_gib']:.2f} |")
PY
cat "$dir/scale.md"
