#!/usr/bin/env bash
# Runs the reference tests on a lent NVIDIA GPU (the device tool): estimate (TestReferences: every
# Stata, R and NIST reference; formula fits, the bad-input catalogue) and likelihoods in full, and from mlx the
# float32 test and the float64-against-float32 value+gradient benchmark, all on XLA's CUDA PJRT
# plugin from the machine's JAX installation (as scripts/gpu-check.sh finds it).
#
# Prepare here (the device machine has no Go toolchain and reaches no registry):
#   for p in likelihoods estimate mlx; do go test -c -ldflags='-s -w' -o .gpu/$p.test ./$p && gzip -f .gpu/$p.test; done
# then run it there with carry [".gpu"]:  bash scripts/gpu-tests.sh
# Logs go to $OUT (default /tmp/gpu-tests); exits non-zero if any test fails.
# Run on an NVIDIA H200 on 2026-12-04 (issue 13): likelihoods (33 tests and examples, once
# backend.New made one PJRT client per process), estimate (37) and mlx's subset passed.
set -uo pipefail
out=${OUT:-/tmp/gpu-tests}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$out/gpu.txt"
site=$(python3 -c 'import jax_plugins, os; print(os.path.dirname(list(jax_plugins.__path__)[0]))' 2>/dev/null)
plugin=$(find "$site" -name 'xla_cuda_plugin.so' 2>/dev/null | head -1)
echo "plugin: ${plugin:-not found}" | tee -a "$out/gpu.txt"
[ -n "$plugin" ] || exit 1
export GOMLX_BACKEND="xla:$plugin" GOMLX_NO_AUTO_INSTALL=1

status=0
run() { # run PACKAGE TIMEOUT ARGS...: the package's test binary, in its folder (for testdata)
  local p=$1 limit=$2
  shift 2
  gunzip -c ".gpu/$p.test.gz" > "/tmp/$p.test" && chmod +x "/tmp/$p.test"
  (cd "$p" && timeout "$limit" "/tmp/$p.test" -test.count=1 -test.v "$@") > "$out/$p.log" 2>&1 || { status=1; tail -40 "$out/$p.log"; }
  echo "== $p: $(grep -c '^--- PASS' "$out/$p.log") passed, $(grep -c '^--- FAIL' "$out/$p.log") failed, $(grep -c '^--- SKIP' "$out/$p.log") skipped"
  grep -E '^(ok|FAIL|PASS)$|^Benchmark|precision_test' "$out/$p.log"
}
run likelihoods 200
run estimate 150
run mlx 150 -test.run 'TestFloat32|TestChunks|TestBatchedMatchesPasses' -test.bench ValueGrad -test.benchtime 50x
exit $status
